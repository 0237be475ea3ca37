import { ParleyError, isParleyError } from '../../errors/index.js';
import { GroupCipher, addressKey, type ProtocolAddress } from '../../crypto/index.js';
import type {
  Contact,
  InsertResult,
  NewMessage,
  StagedCryptoStores,
  StateEntry,
} from '../../storage/index.js';
import { isAccepted } from '../contacts/contact-requests.js';
import {
  controlConversationId,
  directConversationId,
  groupConversationId,
  PRIMARY_DEVICE,
} from '../shared/addresses.js';
import { decodeContent, isVisible, type Content } from './content.js';
import { decodeContentBatch } from './content-batch.js';
import type { EngineContext } from '../context.js';
import { BLOB_GROUP_SEALED, openSealedGroupBlob, unpadGroupContent } from '../groups/group-sealing.js';
import { BLOB_GROUP, BLOB_SEALED, applyReceipt } from './outgoing.js';
import { owedReceiptKey } from './receipts.js';
import { settleCopy } from './copy-receipts.js';
import { admitContent, type Channel } from '../trust/incoming-rules.js';

export type Via = 'direct' | 'relay';

/** What ParleyClient plugs in for the parts of a message that are not plain delivery. */
export interface IncomingHandlers {
  /** Runs before the commit, on the same staged stores (sender keys). Throw to reject the message. */
  beforeCommit(sender: ProtocolAddress, content: Content, stage: StagedCryptoStores): Promise<void>;
  /** Runs once the message is stored, never for a duplicate. */
  afterCommit(sender: ProtocolAddress, content: Content, via: Via): Promise<void>;
  /**
   * Runs for each content of a message from a contact right before it is stored (decrypted, admitted, its
   * sender not blocked): what should not wait for the store's write or the effects' own reads and writes
   * (a direct file's transfer starts here). The returned function is told, once the store answered,
   * whether the content was stored (false for a duplicate, or when the store failed).
   */
  beforeStore?(sender: ProtocolAddress, content: Content): ((stored: boolean) => void) | undefined;
  /**
   * Engine state (of the database's own engine state) written in the transaction that stores the content, if
   * it is new: what must be on disk as soon as the message is, for an app that stops right after (a file's
   * record and what resumes its transfer). Asked for every content about to be stored, ours too.
   */
  storedWith?(sender: ProtocolAddress, content: Content): readonly StateEntry[];
  /** Whether `sender` may send to this group now. */
  isGroupMember(groupId: string, account: string): Promise<boolean>;
  /** The group and sender a sealed group message's sender-key tag names, if we hold that key. */
  senderOfTag(tag: Uint8Array): Promise<{ groupId: string; sender: ProtocolAddress } | undefined>;
  /**
   * The sender's contact, created as a message request the first time it writes (`accept`: created as
   * accepted, for the account another device of ours wrote to).
   */
  ensureContact(account: string, accept?: boolean): Promise<Contact>;
}

const decoder = new TextDecoder();

/**
 * Decrypts, validates and stores one blob or link envelope. The crypto step and the message are committed
 * together; a copy seen before (relay redelivery, a resend after a lost link ack) changes nothing.
 * Resolves 'stored', 'duplicate', or 'deferred' when a group message came before its sender key.
 */
export async function receive(
  ctx: EngineContext,
  handlers: IncomingHandlers,
  payload: Uint8Array,
  via: Via,
): Promise<'stored' | 'duplicate' | 'deferred'> {
  const kind = payload[0];
  if (kind === BLOB_SEALED) {
    try {
      return await ctx.pairwise.open(payload.subarray(1), (opened) =>
        commit(
          ctx,
          handlers,
          opened.sender,
          decodeContents(ctx, opened.plaintext),
          opened.stage,
          via,
          'pairwise',
        ),
      );
    } catch (error) {
      // A copy of a message already decrypted: its key is spent, the message is stored.
      if (isParleyError(error, 'DUPLICATE_MESSAGE')) return 'duplicate';
      throw error;
    }
  }
  if (kind === BLOB_GROUP_SEALED) return receiveSealedGroup(ctx, handlers, payload, via);
  if (kind === BLOB_GROUP) return receiveGroup(ctx, handlers, payload, via);
  throw new ParleyError('BAD_REQUEST', 'unknown blob kind');
}

async function receiveGroup(
  ctx: EngineContext,
  handlers: IncomingHandlers,
  payload: Uint8Array,
  via: Via,
): Promise<'stored' | 'duplicate' | 'deferred'> {
  const length = ((payload[1] ?? 0) << 8) | (payload[2] ?? 0);
  let header: { g?: unknown; s?: unknown; d?: unknown };
  try {
    header = JSON.parse(decoder.decode(payload.subarray(3, 3 + length))) as typeof header;
  } catch (error) {
    throw new ParleyError('BAD_REQUEST', 'malformed group message header', { cause: error });
  }
  const { g: groupId, s: name, d: deviceId } = header;
  if (typeof groupId !== 'string' || typeof name !== 'string' || typeof deviceId !== 'number') {
    throw new ParleyError('BAD_REQUEST', 'malformed group message header');
  }
  return decryptGroup(ctx, handlers, groupId, { name, deviceId }, payload.subarray(3 + length), via, false);
}

/**
 * A sealed group message: the tag says whose sender key (in which group) to use, for members only. A tag we
 * cannot map is a key that has not arrived yet, or one we were never given (a former or non-member): held
 * back as 'deferred' like any message ahead of its key, and never attributed to anyone.
 */
async function receiveSealedGroup(
  ctx: EngineContext,
  handlers: IncomingHandlers,
  payload: Uint8Array,
  via: Via,
): Promise<'stored' | 'duplicate' | 'deferred'> {
  const { tag, message } = openSealedGroupBlob(payload);
  const found = await handlers.senderOfTag(tag);
  if (found === undefined) return 'deferred';
  return decryptGroup(ctx, handlers, found.groupId, found.sender, message, via, true);
}

async function decryptGroup(
  ctx: EngineContext,
  handlers: IncomingHandlers,
  groupId: string,
  sender: ProtocolAddress,
  ciphertext: Uint8Array,
  via: Via,
  padded: boolean,
): Promise<'stored' | 'duplicate' | 'deferred'> {
  if (!(await handlers.isGroupMember(groupId, sender.name))) {
    throw new ParleyError('ACCESS_DENIED', 'group message from someone who is not a member');
  }
  return ctx.queue.run(addressKey(sender), async () => {
    const stage = ctx.db.stageCrypto();
    let plaintext: Uint8Array;
    try {
      plaintext = await new GroupCipher(stage.senderKeys, ctx.self, ctx.crypto).decrypt(
        groupId,
        sender,
        ciphertext,
      );
    } catch (error) {
      if (isParleyError(error, 'SESSION_NOT_FOUND')) return 'deferred';
      if (isParleyError(error, 'DUPLICATE_MESSAGE')) return 'duplicate';
      throw error;
    }
    const content = decodeContent(padded ? unpadGroupContent(plaintext) : plaintext);
    if (content.groupId !== groupId)
      throw new ParleyError('BAD_REQUEST', 'group message names another group');
    return commit(ctx, handlers, sender, [content], stage, via, 'group');
  });
}

/**
 * The contents of one decrypted one-to-one message: one, or a batch the sender sealed together. A content
 * of a batch that does not validate is reported and left out; the rest of the batch is still delivered.
 */
function decodeContents(ctx: EngineContext, plaintext: Uint8Array): Content[] {
  const parts = decodeContentBatch(plaintext);
  const [only] = parts;
  if (parts.length === 1 && only !== undefined) return [decodeContent(only)];
  const contents: Content[] = [];
  for (const part of parts) {
    try {
      contents.push(decodeContent(part));
    } catch (error) {
      if (!isParleyError(error)) throw error;
      ctx.emit('error', error);
    }
  }
  return contents;
}

/**
 * Stores what one decryption produced — the crypto changes and every content — in one transaction, then
 * applies each stored content in order. Resolves 'duplicate' when every content was seen before.
 */
async function commit(
  ctx: EngineContext,
  handlers: IncomingHandlers,
  sender: ProtocolAddress,
  received: readonly Content[],
  stage: StagedCryptoStores,
  via: Via,
  channel: Channel,
): Promise<'stored' | 'duplicate'> {
  const own = sender.name === ctx.self.name;
  if (own && sender.deviceId === ctx.self.deviceId)
    throw new ParleyError('BAD_REQUEST', 'a message from ourselves');
  const receivedAt = ctx.now();
  const contents = admitContents(ctx, sender, received, channel, receivedAt);
  await ctx.devices.seen(sender);
  // Another device of our account: what it sent shows here as sent by us, and its sync messages apply.
  if (own) return commitOwn(ctx, handlers, sender, contents, stage, via);
  const contact = await handlers.ensureContact(sender.name);
  // A blocked identity gets nothing: its messages are dropped unread (and acknowledged, so not resent).
  if (contact.blocked) return 'duplicate';
  for (const content of contents) await handlers.beforeCommit(sender, content, stage);
  // The delivered receipt is owed from the moment the messages are on disk, so the debt is written in the
  // same transaction (receipts.ts): an app that dies inside the coalescing window pays it on its next start.
  const from = { name: sender.name, deviceId: sender.deviceId || PRIMARY_DEVICE };
  // A message request gets no receipts until accepted: they would tell a stranger this device is online.
  const visible = isAccepted(contact)
    ? contents.filter((content) => isVisible(content.body)).map((content) => content.id)
    : [];
  const [firstVisible] = visible;
  const owed =
    firstVisible === undefined
      ? undefined
      : { key: owedReceiptKey(from, firstVisible), value: { to: from, ids: visible } };
  const early = contents.map((content) => handlers.beforeStore?.(sender, content));
  let results: InsertResult[];
  try {
    results = await ctx.db.commitIncomingBatch({
      crypto: stage.changes(),
      messages: contents.map((content) => incomingMessage(sender, content, receivedAt)),
      withEach: contents.map((content) => handlers.storedWith?.(sender, content) ?? []),
      ...(owed === undefined ? {} : { onInsert: owed }),
    });
  } catch (error) {
    for (const settle of early) settle?.(false);
    throw error;
  }
  early.forEach((settle, index) => settle?.(results[index] === 'inserted'));
  const stored = contents.filter((_, index) => results[index] === 'inserted');
  if (stored.length === 0) return 'duplicate';
  // Delivered: this device has them on disk. Receipts are end-to-end encrypted messages like any other,
  // coalesced per sender device (receipts.ts).
  const delivered = stored.filter((content) => isVisible(content.body)).map((content) => content.id);
  if (delivered.length > 0 && owed !== undefined) ctx.receipts.delivered(from, delivered, owed.key);
  else if (owed !== undefined) void ctx.db.engineState.delete(owed.key).catch(ctx.report);
  for (const content of stored) {
    const body = content.body;
    if (body.type === 'receipt') await applyReceipt(ctx, sender, body.receipt, body.ids);
    await handlers.afterCommit(sender, content, via);
  }
  return 'stored';
}

/**
 * The contents that meet the rules of trust/incoming-rules.ts. A group message is one content: refused, it
 * throws. A content of a one-to-one batch that is refused is reported and left out, like one that does not
 * validate; the ratchet step is still committed (with whatever remains), so later messages decrypt.
 */
function admitContents(
  ctx: EngineContext,
  sender: ProtocolAddress,
  contents: readonly Content[],
  channel: Channel,
  receivedAt: number,
): Content[] {
  if (channel === 'group')
    return contents.map((content) => admitContent(sender, content, channel, receivedAt));
  const admitted: Content[] = [];
  for (const content of contents) {
    try {
      admitted.push(admitContent(sender, content, channel, receivedAt));
    } catch (error) {
      if (!isParleyError(error)) throw error;
      ctx.emit('error', error);
    }
  }
  return admitted;
}

/**
 * A message from another device of our own account (linked devices): a copy of what it sent, stored as
 * our outgoing message (state 'sent') in the conversation the copy names, or a control message (sync,
 * sender key, group change…), applied like any. No receipts: nobody waits for them. Its recipients'
 * receipts reach this device too and move the copy on (copy-receipts.ts).
 */
async function commitOwn(
  ctx: EngineContext,
  handlers: IncomingHandlers,
  sender: ProtocolAddress,
  contents: readonly Content[],
  stage: StagedCryptoStores,
  via: Via,
): Promise<'stored' | 'duplicate'> {
  for (const content of contents) {
    await handlers.beforeCommit(sender, content, stage);
    // A message another device of ours sent to someone this device has not met yet: the conversation.
    if (content.to !== undefined && content.groupId === undefined)
      await handlers.ensureContact(content.to, true);
  }
  const receivedAt = ctx.now();
  const results = await ctx.db.commitIncomingBatch({
    crypto: stage.changes(),
    messages: contents.map((content) => ownMessage(sender, content, receivedAt)),
    withEach: contents.map((content) => handlers.storedWith?.(sender, content) ?? []),
  });
  const stored = contents.filter((_, index) => results[index] === 'inserted');
  if (stored.length === 0) return 'duplicate';
  for (const content of stored) {
    // Receipts from its recipients may have come before the copy did.
    if (content.groupId !== undefined || content.to !== undefined) await settleCopy(ctx, content.id);
    await handlers.afterCommit(sender, content, via);
  }
  return 'stored';
}

function ownMessage(sender: ProtocolAddress, content: Content, receivedAt: number): NewMessage {
  const base = incomingMessage(sender, content, receivedAt);
  if (base.conversationId.startsWith('control:')) return base;
  const conversationId =
    content.groupId !== undefined
      ? groupConversationId(content.groupId)
      : content.to !== undefined
        ? directConversationId(content.to)
        : controlConversationId(sender.name);
  return { ...base, conversationId, direction: 'outgoing', state: 'sent' };
}

function incomingMessage(sender: ProtocolAddress, content: Content, receivedAt: number): NewMessage {
  const visible = isVisible(content.body);
  const conversationId = !visible
    ? controlConversationId(sender.name)
    : content.groupId !== undefined
      ? groupConversationId(content.groupId)
      : directConversationId(sender.name);
  const body = content.body;
  return {
    id: content.id,
    conversationId,
    sender,
    sentAt: content.sentAt,
    senderCounter: content.counter,
    receivedAt,
    direction: 'incoming',
    state: 'received',
    text: body.type === 'text' ? body.text : body.type === 'file' ? (body.caption ?? body.name) : '',
    ...(body.type === 'text' && body.replyTo !== undefined ? { replyTo: body.replyTo } : {}),
    ...(body.type === 'file' ? { attachmentIds: [body.transferId] } : {}),
  };
}
