import { networkInterfaces } from 'node:os';
import { relayHostOf } from '@parley/core';

/**
 * The hosts a client may have dialled to reach this relay, in `relayHostOf` form: each configured public URL,
 * and the listening address at `port` (every local interface when bound to all of them, and `localhost` for
 * loopback). A login naming any other host was answered through someone else's relay and is refused.
 */
export function relayHosts(publicUrls: readonly string[], host: string, port: number): Set<string> {
  const hosts = new Set(publicUrls.map((url) => relayHostOf(url)));
  const wildcard = host === '0.0.0.0' || host === '::';
  const addresses = wildcard
    ? Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address))
    : [host];
  if (addresses.some((address) => address === '127.0.0.1' || address === '::1' || address === 'localhost')) {
    addresses.push('localhost');
  }
  for (const address of addresses) {
    const literal = address.includes(':') ? `[${address}]` : address;
    try {
      hosts.add(relayHostOf(`http://${literal}:${port}`));
    } catch {
      // An interface address URL cannot hold (a scoped IPv6 link-local one): nobody dials it by URL anyway.
    }
  }
  return hosts;
}
