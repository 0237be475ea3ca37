/**
 * The web client's Content-Security-Policy, sent as a header with every file of it the relay serves. The
 * built page also carries one as a <meta> tag (desktop/vite.config.ts WEB_CSP); a browser enforces both,
 * and only the header can say `frame-ancestors` (no page may frame the client to overlay it). connect-src
 * admits any http(s)/ws(s) origin: contacts' home relays are known only at run time.
 */
export const WEB_CLIENT_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob: mediastream:",
  "font-src 'self'",
  "connect-src 'self' https: wss: http: ws:",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Headers on every web-client response: the CSP, no MIME sniffing, no referrer, no framing (old browsers). */
export const WEB_CLIENT_HEADERS = {
  'Content-Security-Policy': WEB_CLIENT_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
} as const;
