import { ParleyError } from '../../errors/index.js';
import type { ProtocolAddress } from '../../crypto/index.js';
import type { EngineContext } from '../context.js';
import type { ContentBody } from '../messaging/content.js';

/** A sync message between devices of one account (the `sync` content body). */
export type SyncBody = Extract<ContentBody, { type: 'sync' }>;
export type SyncChange = Omit<SyncBody, 'type'>;

/**
 * Tells our other devices about a change made here (read state, pin/archive/mute, verification, settings):
 * a control message through the outbox like any, end-to-end encrypted to each of our devices. Nothing when
 * this account has one device.
 */
export async function syncToOwnDevices(ctx: EngineContext, change: SyncChange): Promise<void> {
  const own = ctx.devices.ownDevices();
  if (own.length === 0) return;
  await ctx.sendControl(own, { type: 'sync', ...change });
}

/** What applying a sync message may change here, without syncing it back. */
export interface SyncTargets {
  markRead(ids: readonly string[]): Promise<unknown>;
  setFlag(conversationId: string, flag: 'pinned' | 'archived' | 'muted', value: boolean): Promise<void>;
  setVerified(account: string, verified: boolean): Promise<void>;
  setReadReceipts(enabled: boolean): Promise<void>;
  contact(change: NonNullable<SyncBody['contact']>): Promise<void>;
  profile(profile: NonNullable<SyncBody['profile']>): Promise<void>;
}

/**
 * Applies a sync message. Only our own account's devices may send one (the ratchet authenticated the
 * sender's account and device): from anyone else it is refused with ACCESS_DENIED.
 */
export async function applySync(
  ctx: EngineContext,
  targets: SyncTargets,
  sender: ProtocolAddress,
  body: SyncBody,
): Promise<void> {
  if (sender.name !== ctx.self.name) {
    throw new ParleyError('ACCESS_DENIED', 'a sync message from another account');
  }
  if (body.read !== undefined) await targets.markRead(body.read);
  if (body.conversation !== undefined) {
    const { id, ...flags } = body.conversation;
    for (const flag of ['pinned', 'archived', 'muted'] as const) {
      const value = flags[flag];
      if (value === undefined) continue;
      // A conversation this device does not have yet (history not moved) has nothing to change.
      if ((await ctx.db.conversations.get(id)) !== undefined) await targets.setFlag(id, flag, value);
    }
  }
  if (body.contact !== undefined) await targets.contact(body.contact);
  if (body.profile !== undefined) await targets.profile(body.profile);
  if (body.verified !== undefined) await targets.setVerified(body.verified.account, body.verified.verified);
  if (body.settings?.readReceipts !== undefined) await targets.setReadReceipts(body.settings.readReceipts);
}
