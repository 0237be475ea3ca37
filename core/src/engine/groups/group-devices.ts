import { ParleyError } from '../../errors/index.js';
import { GroupCipher, type ProtocolAddress } from '../../crypto/index.js';
import { PRIMARY_DEVICE } from '../shared/addresses.js';
import type { GroupState } from '../messaging/content.js';
import type { EngineContext } from '../context.js';
import type { DeviceDirectory } from '../devices/device-directory.js';

/**
 * Groups and linked devices (docs/crypto.md): which device may sign a group change, and where our sender keys
 * go when a member's device list changes. GroupManager holds the group states; this module reads the device
 * lists for it.
 */

/**
 * The key a group change from `sender` is signed with: the account key for the primary device (undefined:
 * validateGroupState uses the account's), the listed key for a linked one. The pairwise session authenticated
 * the sending device; a device its account does not list may not change a group.
 */
export function groupChangeSignerKey(
  devices: DeviceDirectory,
  sender: ProtocolAddress,
): Uint8Array | undefined {
  if (sender.deviceId === PRIMARY_DEVICE) return undefined;
  const signer = devices.list(sender.name)?.devices.find((d) => d.deviceId === sender.deviceId);
  if (signer === undefined)
    throw new ParleyError('UNTRUSTED_IDENTITY', 'a group change from a device its account does not list');
  return signer.identityKey;
}

/** What sharing keys after a device change needs from the group manager. */
export interface GroupKeyHolder {
  groupIds(): Promise<string[]>;
  get(groupId: string): Promise<GroupState | undefined>;
  sendKey(groupId: string, distribution: Uint8Array, to: ProtocolAddress[]): Promise<void>;
}

/**
 * `account` (a member, or us) linked devices, which get our current sender key in every group we share, or
 * removed some, which cannot read what follows: we rotate our key and give the new one to every current
 * device of every member.
 */
export async function shareKeysAfterDeviceChange(
  ctx: EngineContext,
  groups: GroupKeyHolder,
  account: string,
  added: readonly number[],
  removed: boolean,
): Promise<void> {
  const cipher = new GroupCipher(ctx.db.senderKeys, ctx.self, ctx.crypto);
  for (const id of await groups.groupIds()) {
    const state = await groups.get(id);
    const self = ctx.self.name;
    if (state === undefined || !state.members.includes(self) || !state.members.includes(account)) continue;
    const { groupId } = state;
    if (removed) {
      const distribution = await ctx.queue.run(`group:${groupId}`, () => cipher.rotate(groupId));
      await groups.sendKey(groupId, distribution, ctx.devices.fanOut(state.members));
    } else if (added.length > 0) {
      const distribution = await ctx.queue.run(`group:${groupId}`, () => cipher.distribution(groupId));
      await groups.sendKey(
        groupId,
        distribution,
        added.map((deviceId) => ({ name: account, deviceId })),
      );
    }
  }
}
