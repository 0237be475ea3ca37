import type { ProtocolAddress } from '../../crypto/index.js';
import type { MessageState } from '../../storage/index.js';
import type { EngineContext } from '../context.js';
import { idNamespace } from '../trust/message-ids.js';

/*
 * Receipts for the copies of what our other devices sent (linked devices). A contact sends its receipts to
 * every device of the sender's account, so the copy on each of our devices moves to delivered and read
 * as the sending device's message does. A copy has no outbox entries: what each recipient account said is
 * kept in the engine state (`copy-receipt:<messageId>`) only while it is needed: for a group, until every
 * member read it; for a receipt that came before the copy itself (another path, another relay round trip),
 * until the copy arrives.
 */

const PREFIX = 'copy-receipt:';
type Said = Record<string, 'delivered' | 'read'>;
const RANK: Record<MessageState, number> = {
  failed: -1,
  received: 0,
  pending: 0,
  sent: 1,
  delivered: 2,
  read: 3,
};

/**
 * A delivered or read receipt from `from` for `id`, a message of ours this device has no outbox entries for.
 * Only a recipient of the message counts: the contact of its one-to-one conversation or a member of its
 * group; anyone else's receipt changes nothing. Its state only moves forward.
 */
export async function applyCopyReceipt(
  ctx: EngineContext,
  from: ProtocolAddress,
  receipt: 'delivered' | 'read',
  id: string,
): Promise<void> {
  if (from.name === ctx.self.name) return;
  const message = await ctx.db.messages.get(id);
  if (message === undefined) {
    // Ahead of the copy: kept for it, if the id is one our account could have made.
    if (id.startsWith(idNamespace(ctx.self.name))) await record(ctx, id, from.name, receipt);
    return;
  }
  if (message.direction !== 'outgoing') return;
  await record(ctx, id, from.name, receipt);
  await settleCopy(ctx, id);
}

/** Moves a copy of ours to the state its recipients' receipts say (after it was stored, or a receipt came). */
export async function settleCopy(ctx: EngineContext, id: string): Promise<void> {
  const said = (await ctx.state.get(PREFIX + id)) as Said | undefined;
  if (said === undefined) return;
  const message = await ctx.db.messages.get(id);
  if (message === undefined || message.direction !== 'outgoing') return;
  const conversation = await ctx.db.conversations.get(message.conversationId);
  const recipients = (conversation?.members ?? []).filter((member) => member !== ctx.self.name);
  if (recipients.length === 0) return;
  // As a sent message: as far as its least advanced recipient account.
  const state = recipients.reduce<MessageState>((low, account) => {
    const reached = said[account] ?? 'sent';
    return RANK[reached] < RANK[low] ? reached : low;
  }, 'read');
  // A one-to-one copy's state is all there is to keep; a group's waits for every member to read.
  if (state === 'read' || recipients.length === 1) await ctx.state.delete(PREFIX + id);
  if (RANK[state] <= RANK[message.state]) return;
  await ctx.db.messages.setState(id, state);
  ctx.emit('message-state', { messageId: id, conversationId: message.conversationId, state });
}

async function record(ctx: EngineContext, id: string, account: string, receipt: 'delivered' | 'read') {
  const said = ((await ctx.state.get(PREFIX + id)) as Said | undefined) ?? {};
  const before = said[account];
  if (before !== undefined && RANK[before] >= RANK[receipt]) return;
  await ctx.state.put(PREFIX + id, { ...said, [account]: receipt });
}

/**
 * Who a receipt for messages from `sender` goes to: every device of its account (the list this device has
 * verified), so that each shows them delivered and read; the sending device always, listed or not yet.
 */
export async function receiptRecipients(
  ctx: EngineContext,
  sender: ProtocolAddress,
): Promise<ProtocolAddress[]> {
  // Fetched when stale (deviceListTtlMs), as before any send: a device linked since gets its receipts.
  await ctx.devices.refresh(sender.name);
  const devices = ctx.devices.fanOut([sender.name]);
  return devices.some((device) => device.deviceId === sender.deviceId) ? devices : [sender, ...devices];
}
