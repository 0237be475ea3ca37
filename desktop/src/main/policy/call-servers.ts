import { relaySources } from './csp.js';

/** Fetches a relay's public description (GET /v1/relay); injected so tests can hand in a real relay's. */
export type FetchJson = (url: string) => Promise<unknown>;

/**
 * The group-call SFUs the relays announce (GET /v1/relay, `sfu.url`), as origins connect-src may allow: a
 * group call's ticket sends the renderer to that URL, which the relay-only CSP would otherwise block. Main
 * asks the relays itself rather than taking a URL from the renderer, so a renderer cannot widen its own CSP.
 * An announced value that is not a plain http(s) origin (a path, a `;` smuggling a directive, a wildcard) is
 * dropped, as is a relay that cannot be reached: its calls then fail on the CSP, nothing else does.
 */
export async function announcedCallServers(
  relayOrigins: readonly string[],
  fetchJson: FetchJson,
): Promise<string[]> {
  const found = await Promise.all(
    relayOrigins.map(async (relay) => {
      try {
        const info = await fetchJson(new URL('/v1/relay', relay).href);
        const url = sfuUrlOf(info);
        if (url === undefined) return [];
        relaySources(url); // throws on anything but a plain origin
        return [new URL(url).origin];
      } catch {
        return [];
      }
    }),
  );
  return [...new Set(found.flat())].sort();
}

function sfuUrlOf(info: unknown): string | undefined {
  if (typeof info !== 'object' || info === null || !('sfu' in info)) return undefined;
  const { sfu } = info;
  if (typeof sfu !== 'object' || sfu === null || !('url' in sfu) || typeof sfu.url !== 'string')
    return undefined;
  return sfu.url;
}
