import { ParleyError } from '../../errors/index.js';
import { GroupCipher, addressKey, type ProtocolAddress } from '../../crypto/index.js';
import { concatBytes } from '../../protocol/encoding.js';
import { LIMITS } from '../../protocol/limits.js';
import type { MessageState, OutboxEntry, OutboxState } from '../../storage/index.js';
import { controlConversationId, peerOf } from '../shared/addresses.js';
import { encodeContent, type Content, type ContentBody } from './content.js';
import { encodeContentBatch } from './content-batch.js';
import type { EngineContext } from '../context.js';
import type { DirectLinks, Route } from '../links/direct-links.js';
import { padGroupContent, sealedGroupBlob } from '../groups/group-sealing.js';
import { forgetDeposit, rememberDeposit } from './recall.js';
import { namespacedId } from '../trust/message-ids.js';
import { applyCopyReceipt } from './copy-receipts.js';

/**
 * Blob payloads start with their kind: a sealed one-to-one envelope; a group message (one upload, many
 * recipients) with a plain header, no longer sent but still read; a sealed group message (group-sealing.ts).
 */
export const BLOB_SEALED = 1;
export const BLOB_GROUP = 2;
export { BLOB_GROUP_SEALED } from '../groups/group-sealing.js';

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

/**
 * The content of a new message: its id, this device's time and counter (or those a draft was written with),
 * checked against the blob limit.
 */
function newContent(
  ctx: EngineContext,
  options: QueueOptions,
  at?: { sentAt: number; counter: number },
): { content: Content; payload: Uint8Array } {
  const content: Content = {
    v: 1,
    // Namespaced by sender (trust/message-ids.ts), so nobody else can claim or overwrite its id.
    id: options.id ?? namespacedId(ctx.self.name, ctx.newId()),
    sentAt: at?.sentAt ?? ctx.now(),
    counter: at?.counter ?? ctx.nextCounter(),
    ...(options.groupId === undefined ? {} : { groupId: options.groupId }),
    body: options.body,
  };
  const payload = encodeContent(content);
  if (payload.byteLength > LIMITS.maxBlobBytes - 1024) {
    throw new ParleyError('PAYLOAD_TOO_LARGE', 'message is too large; send it as an attachment');
  }
  return { content, payload };
}

function outboxEntries(ctx: EngineContext, options: QueueOptions, content: Content, payload: Uint8Array) {
  // Our own other devices get a copy that says which conversation it belongs to (linked devices).
  const peer = options.conversationId.startsWith('direct:')
    ? options.conversationId.slice('direct:'.length)
    : options.conversationId.startsWith('control:')
      ? options.conversationId.slice('control:'.length)
      : undefined;
  const own =
    peer === undefined || peer === ctx.self.name ? payload : encodeContent({ ...content, to: peer });
  return options.recipients.map((recipient) => ({
    id: outboxEntryId(content, recipient),
    messageId: content.id,
    conversationId: options.conversationId,
    recipient,
    payload: recipient.name === ctx.self.name ? own : payload,
  }));
}

/** Writes a message and one outbox entry per recipient device in one transaction, before any send. */
export async function queueOutgoing(ctx: EngineContext, options: QueueOptions): Promise<Content> {
  const { content, payload } = newContent(ctx, options);
  const { id, sentAt } = content;
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
    outbox: outboxEntries(ctx, options, content, payload),
  });
  return content;
}

/**
 * Shows an outgoing message before it can go (a file still uploading to the relay): the message alone,
 * pending, with no outbox entries. `releaseDraft` sends it; a cancelled upload fails it.
 */
export async function draftOutgoing(
  ctx: EngineContext,
  draft: { id: string; conversationId: string; text: string; attachmentId: string },
): Promise<void> {
  const sentAt = ctx.now();
  await ctx.db.commitOutgoing({
    message: {
      id: draft.id,
      conversationId: draft.conversationId,
      sender: ctx.self,
      sentAt,
      senderCounter: ctx.nextCounter(),
      receivedAt: sentAt,
      direction: 'outgoing',
      state: 'pending',
      text: draft.text,
      attachmentIds: [draft.attachmentId],
    },
    outbox: [],
  });
}

/**
 * Sends a drafted message (options.id) with its final content: one outbox entry per recipient device. It
 * keeps the draft's time and counter, so it sorts where the person sent it, at both ends, however long its
 * upload took and whichever of several uploads ended first.
 */
export async function releaseDraft(ctx: EngineContext, options: QueueOptions): Promise<Content> {
  const draft = options.id === undefined ? undefined : await ctx.db.messages.get(options.id);
  if (draft === undefined) throw new ParleyError('NOT_FOUND', 'no drafted message to send');
  const at = { sentAt: draft.sentAt, counter: draft.senderCounter };
  const { content, payload } = newContent(ctx, options, at);
  for (const entry of outboxEntries(ctx, options, content, payload)) await ctx.db.outbox.enqueue(entry);
  return content;
}

export interface SendRoutes {
  /** Undefined when direct links are off or not set up yet (no TURN grant before the first auth). */
  direct(): DirectLinks | undefined;
  /** This device's messages now go by `route` (the conversation's route follows from its devices'). */
  deviceRoute(device: ProtocolAddress, route: Route): void;
}

/**
 * One attempt at a batch of outbox entries to one device (see OutboxPump). One-to-one: the entries' contents
 * are sealed together once, then go over the open (or quickly opened) direct link, else into the relay's
 * offline store — the same envelope either way, accepted or refused as a whole. Group (always alone):
 * encrypted once with our sender key and deposited once for every pending member (their entries are settled
 * here too).
 */
export async function attemptBatch(
  ctx: EngineContext,
  batch: readonly OutboxEntry[],
  routes: SendRoutes,
  mayGo: (sibling: OutboxEntry) => boolean = () => true,
  /** Called once the batch's envelope is on a direct link (whatever the peer then says). */
  handed?: () => void,
): Promise<OutboxEntry[]> {
  const [entry] = batch;
  if (entry === undefined) return [];
  // A linked device its account unlinked (perhaps while it was off) speaks for nobody: nothing leaves.
  await ctx.devices.assertSelfListed();
  const groupId = groupIdOf(entry);
  if (groupId !== undefined) {
    if (batch.length > 1) throw new ParleyError('INTERNAL', 'a group message goes alone');
    return attemptGroup(ctx, entry, groupId, mayGo);
  }
  const relay = ctx.relayFor(entry.recipient.name);
  const envelope = concatBytes(
    new Uint8Array([BLOB_SEALED]),
    await ctx.pairwise.seal(entry.recipient, encodeContentBatch(batch.map((item) => item.payload))),
  );
  // Every device, a contact's or our own, has its own link (addressed to (account, device)).
  const direct = routes.direct();
  // The link acknowledges the envelope by the first entry's id.
  if (direct !== undefined && (await direct.send(peerOf(entry.recipient), entry.id, envelope, handed)))
    return [];
  if (direct !== undefined && !direct.isOpen(peerOf(entry.recipient)))
    routes.deviceRoute(entry.recipient, 'relay');
  const { id: blobId } = await relay.request('blob:deposit', {
    recipients: [ctx.devices.relayIdentity(entry.recipient)],
    payload: envelope,
  });
  // Until the recipient confirms delivery, its sender may still recall it (messaging/recall.ts).
  await rememberDeposit(ctx, batch, blobId, relay.url);
  return [];
}

/** Group messages are encrypted with a sender key and deposited once for all members: never batched. */
export function isGroupEntry(entry: OutboxEntry): boolean {
  return groupIdOf(entry) !== undefined;
}

/** The group of an entry's content (written by queueOutgoing, so valid JSON; no schema check needed). */
function groupIdOf(entry: OutboxEntry): string | undefined {
  const { groupId } = JSON.parse(textDecoder.decode(entry.payload)) as { groupId?: unknown };
  return typeof groupId === 'string' ? groupId : undefined;
}

const textDecoder = new TextDecoder();

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
  // Sealed: the blob names neither the group nor us, only a tag members map to our sender key.
  const payload = await ctx.queue.run(`group:${groupId}`, async () => {
    const cipher = new GroupCipher(ctx.db.senderKeys, ctx.self, ctx.crypto);
    const { tag, message } = await cipher.encryptTagged(groupId, padGroupContent(entry.payload));
    return sealedGroupBlob(tag, message);
  });
  await ctx.relayFor(entry.recipient.name).request('blob:deposit', {
    recipients: [...new Set(batch.map((item) => ctx.devices.relayIdentity(item.recipient)))],
    payload,
  });
  const settled: OutboxEntry[] = [];
  for (const sibling of siblings)
    settled.push(await ctx.db.outbox.markAttempt(sibling.id, { result: 'sent' }));
  return settled;
}

const RANK: Record<OutboxState, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: -1 };

/** The message's state from its entries: failed if any failed, else the least advanced of them. */
export async function refreshMessageState(
  ctx: EngineContext,
  messageId: string,
  /** The message's entries, if the caller has just read (and changed) them. */
  known?: readonly OutboxEntry[],
): Promise<void> {
  const message = await ctx.db.messages.get(messageId);
  if (message === undefined || message.direction !== 'outgoing') return;
  const all = known ?? (await ctx.db.outbox.forMessage(messageId));
  // Copies to our own other devices (linked devices) say nothing about the recipients.
  const others = all.filter((entry) => entry.recipient.name !== ctx.self.name);
  const entries = others.length > 0 ? others : all;
  if (entries.length === 0) return;
  // Per recipient account, its most advanced device: delivered when any of its devices has it, read when
  // any read it. The message is as far as its least advanced account, failed when one's every device failed.
  const best = new Map<string, OutboxEntry>();
  for (const entry of entries) {
    const kept = best.get(entry.recipient.name);
    if (kept === undefined || RANK[entry.state] > RANK[kept.state]) best.set(entry.recipient.name, entry);
  }
  const failed = [...best.values()].find((entry) => entry.state === 'failed');
  let state: MessageState;
  if (failed !== undefined) state = 'failed';
  else
    state = [...best.values()].reduce<OutboxState>(
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

/**
 * A delivered or read receipt from `from` for our messages `ids`: states only ever move forward. A message
 * this device has no entry for is a copy of what another device of ours sent (copy-receipts.ts).
 */
export async function applyReceipt(
  ctx: EngineContext,
  from: ProtocolAddress,
  receipt: 'delivered' | 'read',
  ids: readonly string[],
): Promise<void> {
  for (const id of ids) {
    const entries = await ctx.db.outbox.forMessage(id);
    if (entries.length === 0) {
      await applyCopyReceipt(ctx, from, receipt, id);
      continue;
    }
    const entry = entries.find(
      (candidate) => candidate.recipient.name === from.name && candidate.recipient.deviceId === from.deviceId,
    );
    if (entry === undefined || entry.state === 'failed' || RANK[entry.state] >= RANK[receipt]) continue;
    const updated = await ctx.db.outbox.setState(entry.id, receipt);
    if (entry.state === 'sent' && !entry.conversationId.startsWith('control:')) await forgetDeposit(ctx, id);
    // One recipient device: its entry, just written, is the whole state. Several: read them all again.
    await refreshMessageState(ctx, id, entries.length === 1 ? [updated] : undefined);
  }
}

export { controlConversationId };
