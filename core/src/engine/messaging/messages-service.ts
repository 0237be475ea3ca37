import { ParleyError } from '../../errors/index.js';
import { resolveOptions, type ProtocolAddress } from '../../crypto/index.js';
import type { MessagePage, OutboxEntry, PageOptions, StoredMessage } from '../../storage/index.js';
import type { EngineContext } from '../context.js';
import { mayLink } from '../contacts/contact-requests.js';
import type { ConversationList } from '../conversations/conversation-list.js';
import { conversationTimer, scheduleExpiry } from '../conversations/disappearing.js';
import type { ContentBody } from './content.js';
import { queueOutgoing } from './outgoing.js';
import { receiptRecipients } from './copy-receipts.js';
import { syncToOwnDevices } from '../devices/sync.js';
import { checkRecallProof, recallHeld } from './recall.js';
import { pinnedRelayKey } from '../relay/relay-key-pins.js';
import { reactionsTo, recordReaction, type Reaction } from './reactions.js';

/** Who a message to a conversation goes to (the contact's devices, or the group's other members). */
export type Recipients = (
  conversationId: string,
) => Promise<{ recipients: ProtocolAddress[]; groupId?: string }>;

/**
 * `client.messages`: sending text, changing our own messages (edit, delete for everyone, react), read
 * receipts and reading a conversation's pages. Every change is a control message through the outbox.
 */
export class MessagesService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly list: ConversationList,
    private readonly recipients: Recipients,
  ) {}

  /** Sends text (optionally a reply) to a one-to-one or group conversation; resolves once it is on disk. */
  async send(
    conversationId: string,
    text: string,
    options: { replyTo?: string } = {},
  ): Promise<StoredMessage> {
    this.ctx.assertOpen();
    const { recipients, groupId } = await this.recipients(conversationId);
    const expiresInMs = await conversationTimer(this.ctx, conversationId);
    const content = await queueOutgoing(this.ctx, {
      conversationId,
      recipients,
      text,
      ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
      ...(groupId === undefined ? {} : { groupId }),
      body: {
        type: 'text',
        text,
        ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
        ...(expiresInMs === null ? {} : { expiresInMs }),
      },
    });
    if (expiresInMs !== null) await scheduleExpiry(this.ctx, content.id, content.sentAt + expiresInMs);
    this.list.changed(conversationId);
    this.ctx.kick(recipients);
    const stored = await this.ctx.db.messages.get(content.id);
    if (stored === undefined) throw new ParleyError('INTERNAL', 'message vanished after commit');
    return stored;
  }

  /** A page of a conversation's messages, newest first. */
  async page(conversationId: string, options?: PageOptions): Promise<MessagePage> {
    return this.ctx.db.messages.page(conversationId, options);
  }

  /** Edits our own message here and for everyone in its conversation. */
  async edit(messageId: string, text: string): Promise<void> {
    const message = await this.#own(messageId);
    await this.ctx.db.messages.edit(messageId, text, this.ctx.now());
    await this.control(message.conversationId, { type: 'edit', target: messageId, text });
  }

  /**
   * Delete-for-everyone of our own message: a tombstone here and at every recipient. A one-to-one message
   * the relay still holds is recalled first: the recipient never gets it (so needs no delete), and the
   * tombstone keeps the relay's verified receipt (`message.recall`). Resolves the tombstone.
   */
  async delete(messageId: string): Promise<StoredMessage> {
    const message = await this.#own(messageId);
    const recall = message.deletedAt === undefined ? await recallHeld(this.ctx, message) : undefined;
    await this.ctx.db.messages.deleteForEveryone(messageId, this.ctx.now(), recall);
    if (recall === undefined)
      await this.control(message.conversationId, { type: 'delete', target: messageId });
    else this.list.changed(message.conversationId);
    const stored = await this.ctx.db.messages.get(messageId);
    if (stored === undefined) throw new ParleyError('INTERNAL', 'message vanished after delete');
    return stored;
  }

  /** Checks a recalled message's receipt again: the relay's signature, under the key pinned for that relay. */
  async verifyRecall(messageId: string): Promise<boolean> {
    const message = await this.ctx.db.messages.get(messageId);
    if (message?.recall === undefined) return false;
    const relayKey = await pinnedRelayKey(this.ctx.state, message.recall.relayUrl);
    return checkRecallProof(resolveOptions(this.ctx.crypto).backend, message, relayKey);
  }

  async react(messageId: string, emoji: string, remove = false): Promise<void> {
    const message = await this.ctx.db.messages.get(messageId);
    if (message === undefined) throw new ParleyError('NOT_FOUND', `no message ${messageId}`);
    await recordReaction(this.ctx.state, messageId, this.ctx.self.name, emoji, remove, this.ctx.now());
    await this.control(message.conversationId, { type: 'reaction', target: messageId, emoji, remove });
  }

  /** The current reactions to a message (ours included), one per account; kept across restarts. */
  async reactions(messageId: string): Promise<Reaction[]> {
    return reactionsTo(this.ctx.state, messageId);
  }

  /** Marks incoming messages read and, if this device sends read receipts, tells their senders. */
  async markRead(messageIds: readonly string[]): Promise<void> {
    const bySender = await this.list.markRead(messageIds);
    // Read here is read on every device of ours (linked devices).
    const read = bySender.flatMap(({ ids }) => ids);
    for (let start = 0; start < read.length; start += 1000) {
      await syncToOwnDevices(this.ctx, { read: read.slice(start, start + 1000) });
    }
    if (!this.ctx.readReceipts) return;
    for (const { sender, ids } of bySender) {
      // A message request gets no read receipts until accepted.
      if (!(await mayLink(this.ctx.db, sender.name))) continue;
      // Every device of the sender's account: the copies of its other devices show read as well.
      await this.ctx.sendControl(await receiptRecipients(this.ctx, sender), {
        type: 'receipt',
        receipt: 'read',
        ids,
      });
    }
  }

  /** The outbox entries of one message, one per recipient device. */
  async outboxEntries(messageId: string): Promise<OutboxEntry[]> {
    return this.ctx.db.outbox.forMessage(messageId);
  }

  /** Sends a control message to everyone in the conversation. */
  async control(conversationId: string, body: ContentBody): Promise<void> {
    const { recipients, groupId } = await this.recipients(conversationId);
    await this.ctx.sendControl(recipients, body, groupId);
  }

  async #own(messageId: string): Promise<StoredMessage> {
    const message = await this.ctx.db.messages.get(messageId);
    if (message === undefined) throw new ParleyError('NOT_FOUND', `no message ${messageId}`);
    if (message.direction !== 'outgoing')
      throw new ParleyError('ACCESS_DENIED', 'only the sender may change a message');
    if (message.kind !== undefined)
      throw new ParleyError('BAD_REQUEST', 'a group-change line is not a message anyone sent');
    return message;
  }
}
