import type { EngineStateStore } from '../shared/state-store.js';

/*
 * Relay keys pinned on first contact, per relay URL. A relay proves things with its key (recall receipts:
 * "never delivered"), and a proof is only worth the key it is checked against: checked against whatever key
 * the relay presents today, a relay whose host changed hands, or an attacker who took it over, could sign
 * any receipt it likes. So the first key a relay showed is kept, and its later proofs must verify under it.
 */

const pinKey = (relayUrl: string) => `relay-key:${relayUrl}`;

/** The key pinned for `relayUrl`, if this device has ever been answered by that relay. */
export async function pinnedRelayKey(state: EngineStateStore, relayUrl: string): Promise<string | undefined> {
  const pinned = await state.get(pinKey(relayUrl));
  return typeof pinned === 'string' ? pinned : undefined;
}

/**
 * Pins `presented` for `relayUrl` unless a key is pinned already (trust on first use), and returns the pinned
 * key, which differs from `presented` when the relay now shows another one.
 */
export async function pinRelayKey(
  state: EngineStateStore,
  relayUrl: string,
  presented: string,
): Promise<string> {
  const pinned = await pinnedRelayKey(state, relayUrl);
  if (pinned !== undefined) return pinned;
  await state.put(pinKey(relayUrl), presented);
  return presented;
}
