import type { EngineContext } from '../context.js';
import { syncToOwnDevices } from '../devices/sync.js';
import { directConversationId } from '../shared/addresses.js';
import type { ConversationList } from './conversation-list.js';
import { conversationTimer } from './disappearing.js';
import type { ConversationSummary, SearchHit } from './types.js';

/** What the conversations service needs from messaging: read receipts and control messages. */
export interface ConversationMessaging {
  markRead(messageIds: readonly string[]): Promise<void>;
  control(conversationId: string, body: { type: 'timer'; expiresInMs: number | null }): Promise<void>;
}

/**
 * `client.conversations`: the chat list (pinned first, then last activity), pin / archive / mute, reading a
 * conversation, search, and each conversation's disappearing timer.
 */
export class ConversationsService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly chats: ConversationList,
    private readonly messaging: ConversationMessaging,
  ) {}

  /** The chat list: pinned first, then by last activity. `archived` filters (default: all). */
  async list(options: { archived?: boolean } = {}): Promise<ConversationSummary[]> {
    return this.chats.list(options);
  }

  async get(id: string): Promise<ConversationSummary> {
    return this.chats.get(id);
  }

  /** The id of the one-to-one conversation with `account`. */
  direct(account: string): string {
    return directConversationId(account);
  }

  async setPinned(conversationId: string, pinned: boolean): Promise<void> {
    await this.chats.setFlag(conversationId, 'pinned', pinned);
    await syncToOwnDevices(this.ctx, { conversation: { id: conversationId, pinned } });
  }

  async setArchived(conversationId: string, archived: boolean): Promise<void> {
    await this.chats.setFlag(conversationId, 'archived', archived);
    await syncToOwnDevices(this.ctx, { conversation: { id: conversationId, archived } });
  }

  async setMuted(conversationId: string, muted: boolean): Promise<void> {
    await this.chats.setFlag(conversationId, 'muted', muted);
    await syncToOwnDevices(this.ctx, { conversation: { id: conversationId, muted } });
  }

  /** Marks every unread incoming message of a conversation read (with read receipts if enabled). */
  async markRead(conversationId: string): Promise<void> {
    this.ctx.assertOpen();
    await this.messaging.markRead(await this.chats.unreadMessages(conversationId));
    await this.ctx.db.conversations.markRead(conversationId);
    this.chats.changed(conversationId);
  }

  /** Messages whose words start with every term of `query`, newest first (local full-text index). */
  async search(
    query: string,
    options: { conversationId?: string; limit?: number } = {},
  ): Promise<SearchHit[]> {
    return this.chats.search(query, options);
  }

  /** Sets how long new messages in this conversation live (null: forever) and tells the other side. */
  async setDisappearingTimer(conversationId: string, expiresInMs: number | null): Promise<void> {
    await this.ctx.state.put(`timer:${conversationId}`, expiresInMs);
    await this.messaging.control(conversationId, { type: 'timer', expiresInMs });
  }

  async disappearingTimer(conversationId: string): Promise<number | null> {
    return conversationTimer(this.ctx, conversationId);
  }
}
