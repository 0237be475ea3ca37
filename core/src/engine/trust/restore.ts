import { GroupCipher, retireSendingChains, type CryptoOptions } from '../../crypto/index.js';
import type { ClientDatabase, DatabaseSnapshot } from '../../storage/index.js';

/** Engine state key: groups whose rotated sender key must still go to the members (GroupManager). */
export const REDISTRIBUTE_KEY = 'restore:redistribute-sender-keys';

/**
 * Makes a database just restored from a backup safe to send from. The backup holds ratchet sessions and
 * sender-key chains at the moment it was made; the device it came from may have sent further on them since,
 * and the same key and nonce used twice give whoever holds both ciphertexts (the relay does) the XOR of the
 * plaintexts. So, before the client starts:
 * - every pairwise session loses its sending chains (crypto retireSendingChains): the next message to that
 *   peer starts a fresh session from a new bundle, while messages in flight on the old ones still decrypt;
 * - every sender key of ours is rotated (a fresh chain, signing key and key id), and the groups are noted
 *   so that the client sends the new key to each group's members once it runs.
 * Other members' sender keys and our prekeys stay: they only decrypt.
 */
export async function rekeyRestored(
  db: ClientDatabase,
  snapshot: DatabaseSnapshot,
  crypto: CryptoOptions = {},
): Promise<void> {
  for (const row of snapshot.stores.sessions ?? []) {
    const address = { name: String(row['name']), deviceId: Number(row['deviceId']) };
    const record = await db.sessions.loadSession(address);
    if (record !== undefined) await db.sessions.storeSession(address, retireSendingChains(record));
  }
  const self = (await db.identities.getLocalDevice())?.address;
  if (self === undefined) return;
  const groups: string[] = [];
  const cipher = new GroupCipher(db.senderKeys, self, crypto);
  for (const { groupId, sender } of await db.senderKeys.list()) {
    if (sender.name !== self.name || sender.deviceId !== self.deviceId) continue;
    await cipher.rotate(groupId);
    groups.push(groupId);
  }
  if (groups.length > 0) await db.engineState.put(REDISTRIBUTE_KEY, groups);
}
