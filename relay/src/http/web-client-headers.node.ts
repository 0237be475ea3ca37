import { WEB_CLIENT_CSP_HEADER } from '@parley/core/web-client-csp';

/**
 * The web client's Content-Security-Policy as a header, from the same source as the built page's <meta> tag
 * (core's web-client/csp.ts), plus `frame-ancestors`, which only a header can say.
 */
export const WEB_CLIENT_CSP = WEB_CLIENT_CSP_HEADER;

/** Headers on every web-client response: the CSP, no MIME sniffing, no referrer, no framing (old browsers). */
export const WEB_CLIENT_HEADERS = {
  'Content-Security-Policy': WEB_CLIENT_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
} as const;
