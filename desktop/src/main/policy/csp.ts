import { ParleyError } from '@parley/core';
import { joinCsp, WEB_CLIENT_CSP_HEADER_DIRECTIVES } from '@parley/core/web-client-csp';

export interface CspOptions {
  /** Relays the renderer talks to: http(s) or ws(s) origins, no paths, no wildcards. */
  readonly relayOrigins: readonly string[];
  /** The group-call SFUs those relays announce (call-servers.ts): reached the same way, socket.io over http(s)/ws(s). */
  readonly callServers?: readonly string[];
}

/**
 * Turns a relay URL into the sources connect-src needs: socket.io starts with http(s) polling and upgrades
 * to ws(s), so both schemes are allowed for the same host. Throws on anything that is not a plain origin, so
 * a crafted value cannot inject another directive (`;`), a keyword (`'unsafe-eval'`) or a wildcard.
 */
export function relaySources(relayOrigin: string): string[] {
  let url: URL;
  try {
    url = new URL(relayOrigin);
  } catch (error) {
    throw new ParleyError('BAD_REQUEST', 'relay origin is not a URL', { cause: error });
  }
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  const plain = url.protocol === 'http:' || url.protocol === 'ws:';
  if (!secure && !plain) throw new ParleyError('BAD_REQUEST', 'relay origin must be http(s) or ws(s)');
  if (url.username !== '' || url.password !== '' || url.host.includes('*'))
    throw new ParleyError('BAD_REQUEST', 'relay origin must be a plain host');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '')
    throw new ParleyError('BAD_REQUEST', 'relay origin must not have a path, query or fragment');
  return secure ? [`https://${url.host}`, `wss://${url.host}`] : [`http://${url.host}`, `ws://${url.host}`];
}

/** Whether relaySources takes `origin`: what a file read back from userData may keep. */
export function isPlainOrigin(origin: string): boolean {
  try {
    relaySources(origin);
    return true;
  } catch {
    return false;
  }
}

/**
 * The renderer's Content-Security-Policy, set by main on every response (not a <meta> tag the page could
 * drop). It is the web client's policy (core/src/web-client/csp.ts: only the app's own scripts and styles, no
 * eval, no inline script, no plugins, no framing) with one change: connect-src names the configured relays and
 * the call servers they announce instead of any http(s)/ws(s) origin, because the desktop app knows its relays.
 * WebRTC media and data channels are not governed by CSP; blob:/mediastream: cover received files and call video.
 */
export function contentSecurityPolicy(options: CspOptions): string {
  const origins = [...options.relayOrigins, ...(options.callServers ?? [])];
  const relays = [...new Set(origins.flatMap(relaySources))].sort();
  return joinCsp(
    WEB_CLIENT_CSP_HEADER_DIRECTIVES.map(([name, ...sources]) =>
      name === 'connect-src' ? [name, "'self'", ...relays] : [name, ...sources],
    ),
  );
}
