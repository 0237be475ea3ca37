import { RelayInTheMiddle, type MiddleOptions } from './relay-in-the-middle.js';
import { pair, type scenario, type TestDevice } from './harness.js';

/**
 * Alice and Bob, contacts of each other, both of whose home relay is run by a malicious operator: its front
 * end (the middle, which the relay lists as its public URL) sees and may rewrite every event. The caller
 * closes `middle` after the test.
 */
export async function behindMaliciousRelay(
  s: ReturnType<typeof scenario>,
  rewrites: MiddleOptions,
): Promise<{ middle: RelayInTheMiddle; alice: TestDevice; bob: TestDevice }> {
  const middle = await RelayInTheMiddle.start(() => s.relay().url, rewrites);
  await s.setupWith({ publicUrls: [middle.url] });
  const alice = s.device('alice', { relayUrl: middle.url });
  const bob = s.device('bob', { relayUrl: middle.url });
  await alice.start();
  await bob.start();
  await pair(alice, bob);
  return { middle, alice, bob };
}

/** One character of the sealed text changed (still base64url). */
export function flip(sealed: string): string {
  const at = Math.floor(sealed.length / 2);
  return `${sealed.slice(0, at)}${sealed[at] === 'A' ? 'B' : 'A'}${sealed.slice(at + 1)}`;
}
