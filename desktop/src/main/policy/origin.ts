/**
 * The app's origin, compared by scheme and host (with port). The renderer is served from a privileged custom
 * scheme (`app://parley`), whose WHATWG `URL.origin` is the opaque "null", so `origin` strings cannot be
 * compared directly. Anything that does not parse, carries credentials, or uses a scheme that can run or
 * read local content (javascript:, data:, file:, blob:…) has no origin here and matches nothing.
 */
export interface Origin {
  readonly protocol: string;
  readonly host: string;
}

const NEVER_AN_APP_ORIGIN = new Set([
  'javascript:',
  'data:',
  'file:',
  'blob:',
  'filesystem:',
  'about:',
  'vbscript:',
]);

export function parseOrigin(url: string): Origin | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (NEVER_AN_APP_ORIGIN.has(parsed.protocol)) return undefined;
  if (parsed.username !== '' || parsed.password !== '' || parsed.host === '') return undefined;
  return { protocol: parsed.protocol, host: parsed.host };
}

/** True only when `url` is on exactly the app's scheme and host; look-alike hosts do not match. */
export function isAppUrl(url: string, appOrigin: string): boolean {
  const app = parseOrigin(appOrigin);
  const candidate = parseOrigin(url);
  if (app === undefined || candidate === undefined) return false;
  return candidate.protocol === app.protocol && candidate.host === app.host;
}
