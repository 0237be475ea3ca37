import { ParleyError, isParleyError } from '../errors/index.js';
import { GroupCipher, addressKey, type ProtocolAddress } from '../crypto/index.js';
import type { NewMessage, StagedCryptoStores } from '../storage/index.js';
import {
  controlConversationId,
  directConversationId,
  groupConversationId,
  PRIMARY_DEVICE,
} from './addresses.js';
import { decodeContent, isVisible, type Content } from './content.js';
import type { EngineContext } from './context.js';
import { BLOB_GROUP, BLOB_SEALED, applyReceipt } from './outgoing.js';

export type Via = 'direct' | 'relay';

/** What ParleyClient plugs in for the parts of a message that are not plain delivery. */
export interface IncomingHandlers {
  /** Runs before the commit, on the same staged stores (sender keys). Throw to reject the message. */
  beforeCommit(sender: ProtocolAddress, content: Content, stage: StagedCryptoStores): Promise<void>;
  /** Runs once the message is stored, never for a duplicate. */
  afterCommit(sender: ProtocolAddress, content: Content, via: Via): Promise<void>;
  /** Whether `sender` may send to this group now. */
  isGroupMember(groupId: string, account: string): Promise<boolean>;
  ensureContact(account: string): Promise<void>;
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
        commit(ctx, handlers, opened.sender, decodeContent(opened.plaintext), opened.stage, via),
      );
    } catch (error) {
      // A copy of a message already decrypted: its key is spent, the message is stored.
      if (isParleyError(error, 'DUPLICATE_MESSAGE')) return 'duplicate';
      throw error;
    }
  }
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
  if (!(await handlers.isGroupMember(groupId, name))) {
    throw new ParleyError('ACCESS_DENIED', 'group message from someone who is not a member');
  }
  const sender = { name, deviceId };
  const ciphertext = payload.subarray(3 + length);
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
    const content = decodeContent(plaintext);
    if (content.groupId !== groupId)
      throw new ParleyError('BAD_REQUEST', 'group message names another group');
    return commit(ctx, handlers, sender, content, stage, via);
  });
}

async function commit(
  ctx: EngineContext,
  handlers: IncomingHandlers,
  sender: ProtocolAddress,
  content: Content,
  stage: StagedCryptoStores,
  via: Via,
): Promise<'stored' | 'duplicate'> {
  if (sender.name === ctx.self.name) throw new ParleyError('BAD_REQUEST', 'a message from ourselves');
  await handlers.ensureContact(sender.name);
  await handlers.beforeCommit(sender, content, stage);
  const visible = isVisible(content.body);
  const conversationId = !visible
    ? controlConversationId(sender.name)
    : content.groupId !== undefined
      ? groupConversationId(content.groupId)
      : directConversationId(sender.name);
  const body = content.body;
  const message: NewMessage = {
    id: content.id,
    conversationId,
    sender,
    sentAt: content.sentAt,
    senderCounter: content.counter,
    receivedAt: ctx.now(),
    direction: 'incoming',
    state: 'received',
    text: body.type === 'text' ? body.text : body.type === 'file' ? (body.caption ?? body.name) : '',
    ...(body.type === 'text' && body.replyTo !== undefined ? { replyTo: body.replyTo } : {}),
    ...(body.type === 'file' ? { attachmentIds: [body.transferId] } : {}),
  };
  const result = await ctx.db.commitIncoming({ crypto: stage.changes(), message });
  if (result === 'duplicate') return 'duplicate';
  if (body.type === 'receipt') await applyReceipt(ctx, sender, body.receipt, body.ids);
  else if (visible) {
    // Delivered: this device has it on disk. A receipt is an end-to-end encrypted message like any other.
    await ctx.sendControl([{ name: sender.name, deviceId: sender.deviceId || PRIMARY_DEVICE }], {
      type: 'receipt',
      receipt: 'delivered',
      ids: [content.id],
    });
  }
  await handlers.afterCommit(sender, content, via);
  return 'stored';
}
