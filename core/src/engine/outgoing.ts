import { ParleyError } from '../errors/index.js';
import { GroupCipher, addressKey, type ProtocolAddress } from '../crypto/index.js';
import { concatBytes, utf8 } from '../protocol/encoding.js';
import { LIMITS } from '../protocol/limits.js';
import type { MessageState, OutboxEntry, OutboxState } from '../storage/index.js';
import { controlConversationId, peerOf, relayIdentityOf, directConversationId } from './addresses.js';
import { decodeContent, encodeContent, type Content, type ContentBody } from './content.js';
import type { EngineContext } from './context.js';
import type { DirectLinks } from './direct-links.js';

/** Blob payloads start with their kind: a sealed one-to-one envelope, or a group message (one upload, many recipients). */
export const BLOB_SEALED = 1;
export const BLOB_GROUP = 2;

export interface QueueOptions {
  readonly conversationId: string;
  readonly recipients: readonly ProtocolAddress[];
  readonly body: ContentBody;
  readonly groupId?: string;
  /** Shown text for visible messages; control messages store ''. */
  readonly text?: string;
  readonly replyTo?: string;
  readonly id?: string;
}

/**
 * Outbox entry ids sort in the order messages were written (sender time, then this device's counter),
 * so the pump can keep each recipient's messages in that order however retries reschedule them.
 */
export function outboxEntryId(content: Content, recipient: ProtocolAddress): string {
  const time = content.sentAt.toString(36).padStart(9, '0');
  const counter = content.counter.toString(36).padStart(7, '0');
  return `${time}.${counter}.${content.id}.${addressKey(recipient)}`;
}

/** Writes a message and one outbox entry per recipient device in one transaction, before any send. */
export async function queueOutgoing(ctx: EngineContext, options: QueueOptions): Promise<Content> {
  const id = options.id ?? ctx.newId();
  const sentAt = ctx.now();
  const content: Content = {
    v: 1,
    id,
    sentAt,
    counter: ctx.nextCounter(),
    ...(options.groupId === undefined ? {} : { groupId: options.groupId }),
    body: options.body,
  };
  const payload = encodeContent(content);
  if (payload.byteLength > LIMITS.maxBlobBytes - 1024) {
    throw new ParleyError('PAYLOAD_TOO_LARGE', 'message is too large; send it as an attachment');
  }
  await ctx.db.commitOutgoing({
    message: {
      id,
      conversationId: options.conversationId,
      sender: ctx.self,
      sentAt,
      senderCounter: content.counter,
      receivedAt: sentAt,
      direction: 'outgoing',
      state: 'pending',
      text: options.text ?? '',
      ...(options.body.type === 'file' ? { attachmentIds: [options.body.transferId] } : {}),
      ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
    },
    outbox: options.recipients.map((recipient) => ({
      id: outboxEntryId(content, recipient),
      messageId: id,
      conversationId: options.conversationId,
      recipient,
      payload,
    })),
  });
  return content;
}

export interface SendRoutes {
  /** Undefined when direct links are off or not set up yet (no TURN grant before the first auth). */
  direct(): DirectLinks | undefined;
  route(conversationId: string, route: 'direct' | 'turn' | 'relay'): void;
}

/**
 * One attempt at one outbox entry. One-to-one: sealed once, then over the open (or quickly opened) direct
 * link, else into the relay's offline store — the same envelope either way. Group: encrypted once with our
 * sender key and deposited once for every pending member (their entries are settled here too).
 */
export async function attemptEntry(
  ctx: EngineContext,
  entry: OutboxEntry,
  routes: SendRoutes,
  mayGo: (sibling: OutboxEntry) => boolean = () => true,
): Promise<OutboxEntry[]> {
  const content = decodeContent(entry.payload);
  if (content.groupId !== undefined) return attemptGroup(ctx, entry, content.groupId, mayGo);
  const relay = ctx.relayFor(entry.recipient.name);
  const envelope = concatBytes(
    new Uint8Array([BLOB_SEALED]),
    await ctx.pairwise.seal(entry.recipient, entry.payload),
  );
  const direct = routes.direct();
  const conversationId = entry.conversationId.startsWith('control:')
    ? directConversationId(entry.recipient.name)
    : entry.conversationId;
  if (direct !== undefined && (await direct.send(peerOf(entry.recipient), entry.id, envelope))) return [];
  if (direct !== undefined && !direct.isOpen(peerOf(entry.recipient))) routes.route(conversationId, 'relay');
  await relay.request('blob:deposit', {
    recipients: [relayIdentityOf(entry.recipient)],
    payload: envelope,
  });
  return [];
}

async function attemptGroup(
  ctx: EngineContext,
  entry: OutboxEntry,
  groupId: string,
  mayGo: (sibling: OutboxEntry) => boolean,
): Promise<OutboxEntry[]> {
  const siblings = (await ctx.db.outbox.forMessage(entry.messageId)).filter(
    (sibling) => sibling.state === 'pending' && sibling.id !== entry.id && mayGo(sibling),
  );
  const batch = [entry, ...siblings];
  const ciphertext = await ctx.queue.run(`group:${groupId}`, async () => {
    const cipher = new GroupCipher(ctx.db.senderKeys, ctx.self, ctx.crypto);
    return cipher.encrypt(groupId, entry.payload);
  });
  const header = utf8(JSON.stringify({ g: groupId, s: ctx.self.name, d: ctx.self.deviceId }));
  const payload = concatBytes(
    new Uint8Array([BLOB_GROUP, header.length >> 8, header.length & 0xff]),
    header,
    ciphertext,
  );
  await ctx.relayFor(entry.recipient.name).request('blob:deposit', {
    recipients: [...new Set(batch.map((item) => relayIdentityOf(item.recipient)))],
    payload,
  });
  const settled: OutboxEntry[] = [];
  for (const sibling of siblings)
    settled.push(await ctx.db.outbox.markAttempt(sibling.id, { result: 'sent' }));
  return settled;
}

const RANK: Record<OutboxState, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: -1 };

/** The message's state from its entries: failed if any failed, else the least advanced of them. */
export async function refreshMessageState(ctx: EngineContext, messageId: string): Promise<void> {
  const message = await ctx.db.messages.get(messageId);
  if (message === undefined || message.direction !== 'outgoing') return;
  const entries = await ctx.db.outbox.forMessage(messageId);
  if (entries.length === 0) return;
  const failed = entries.find((entry) => entry.state === 'failed');
  let state: MessageState;
  if (failed !== undefined) state = 'failed';
  else
    state = entries.reduce<OutboxState>(
      (low, entry) => (RANK[entry.state] < RANK[low] ? entry.state : low),
      'read',
    );
  if (state === message.state) return;
  await ctx.db.messages.setState(messageId, state);
  if (message.conversationId.startsWith('control:')) return;
  ctx.emit('message-state', {
    messageId,
    conversationId: message.conversationId,
    state,
    ...(failed?.lastError === undefined ? {} : { reason: failed.lastError }),
  });
}

/** A delivered or read receipt from `from` for our messages `ids`: states only ever move forward. */
export async function applyReceipt(
  ctx: EngineContext,
  from: ProtocolAddress,
  receipt: 'delivered' | 'read',
  ids: readonly string[],
): Promise<void> {
  for (const id of ids) {
    const entries = await ctx.db.outbox.forMessage(id);
    const entry = entries.find(
      (candidate) => candidate.recipient.name === from.name && candidate.recipient.deviceId === from.deviceId,
    );
    if (entry === undefined || entry.state === 'failed' || RANK[entry.state] >= RANK[receipt]) continue;
    await ctx.db.outbox.setState(entry.id, receipt);
    await refreshMessageState(ctx, id);
  }
}

export { controlConversationId };
