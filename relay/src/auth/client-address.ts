/**
 * The address a request came from, for per-address limits. Behind a reverse proxy every TCP peer is the
 * proxy, so one abuser would exhaust everyone's budget; `X-Forwarded-For` is believed only when the peer is
 * a configured proxy, and then read from the right: each trusted proxy appends the address it saw, so the
 * right-most entry that is not a trusted proxy is the first one nobody could forge.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxies: readonly string[],
): string {
  const remote = normalize(peer ?? 'unknown');
  if (!trustedProxies.includes(remote) || forwardedFor === undefined) return remote;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((hop) => normalize(hop.trim()))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const hop = hops[i];
    if (hop !== undefined && !trustedProxies.includes(hop)) return hop;
  }
  return hops[0] ?? remote;
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) and `10.0.0.1` are one address. */
function normalize(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
