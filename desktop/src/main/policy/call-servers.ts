import { relaySources } from './csp.js';

/** Fetches a relay's public description (GET /v1/relay); injected so tests can hand in a real relay's. */
export type FetchJson = (url: string) => Promise<unknown>;

/** What one relay said about its call server: nothing (unreachable), none, or a plain origin. */
export type CallServerAnswer =
  { readonly reached: false } | { readonly reached: true; readonly server?: string };

/**
 * Asks one relay which group-call SFU it announces (GET /v1/relay, `sfu.url`), as an origin connect-src may
 * allow: a group call's ticket sends the renderer to that URL, which the relay-only CSP would otherwise block.
 * Main asks the relays itself rather than taking a URL from the renderer, so a renderer cannot widen its own
 * CSP. An announced value that is not a plain http(s) origin (a path, a `;` smuggling a directive, a
 * wildcard) counts as no server; a relay that cannot be reached is reported as such, so a caller can keep
 * what it knew.
 */
export async function askCallServer(relayOrigin: string, fetchJson: FetchJson): Promise<CallServerAnswer> {
  let info: unknown;
  try {
    info = await fetchJson(new URL('/v1/relay', relayOrigin).href);
  } catch {
    return { reached: false };
  }
  const url = sfuUrlOf(info);
  if (url === undefined) return { reached: true };
  try {
    relaySources(url); // throws on anything but a plain origin
    return { reached: true, server: new URL(url).origin };
  } catch {
    return { reached: true };
  }
}

/** The call servers these relays announce, asked in parallel; unreachable relays and bad values are dropped. */
export async function announcedCallServers(
  relayOrigins: readonly string[],
  fetchJson: FetchJson,
): Promise<string[]> {
  const answers = await Promise.all(relayOrigins.map((relay) => askCallServer(relay, fetchJson)));
  const found = answers.flatMap((answer) => (answer.reached && answer.server ? [answer.server] : []));
  return [...new Set(found)].sort();
}

function sfuUrlOf(info: unknown): string | undefined {
  if (typeof info !== 'object' || info === null || !('sfu' in info)) return undefined;
  const { sfu } = info;
  if (typeof sfu !== 'object' || sfu === null || !('url' in sfu) || typeof sfu.url !== 'string')
    return undefined;
  return sfu.url;
}
