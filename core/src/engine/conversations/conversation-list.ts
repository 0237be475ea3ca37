import { ParleyError } from '../../errors/index.js';
import type { ProtocolAddress } from '../../crypto/index.js';
import type { Conversation, StoredMessage } from '../../storage/index.js';
import type { ContentBody } from '../messaging/content.js';
import { directConversationId } from '../shared/addresses.js';
import { avatarBytesFromText } from './avatar-text.js';
import type { EngineContext } from '../context.js';
import type { ParleyClientEvents } from '../events.js';
import type { GroupManager } from '../groups/group-manager.js';
import { SerialQueue } from '../shared/serial-queue.js';
import type { ConversationSummary, MessageKind, MessagePreview, SearchHit } from './types.js';
import { displayText } from '../trust/display-text.js';

export const MAX_SEARCH_QUERY_LENGTH = 256;
const KIND_PREFIX = 'message-kind:';
const LIST_LIMIT = 10_000;

/** Remembers what kind of file a message announced, for previews (the stored text is the name/caption). */
/** What a file message's kind is read from, before its full body exists (an upload still under way). */
export interface FileKindHint {
  readonly type: 'file';
  readonly mimeType: string;
  readonly voice?: unknown;
}

export async function recordMessageKind(
  ctx: EngineContext,
  messageId: string,
  body: ContentBody | FileKindHint,
): Promise<void> {
  if (body.type !== 'file') return;
  const kind: MessageKind =
    body.voice !== undefined
      ? 'voice'
      : body.mimeType.startsWith('image/')
        ? 'photo'
        : body.mimeType.startsWith('video/')
          ? 'video'
          : 'file';
  await ctx.state.put(`${KIND_PREFIX}${messageId}`, kind);
}

/**
 * The chat list: summaries built from the conversation records (kept current by every message insert),
 * the contacts' and groups' names and avatars, and the newest message. Pinned, archived and muted are local
 * fields of the conversation record. `changed(id)` re-reads one conversation and emits
 * 'conversation-updated', one at a time per conversation so listeners see them in order.
 */
export class ConversationList {
  readonly #queue = new SerialQueue();

  constructor(
    private readonly ctx: EngineContext,
    private readonly groups: GroupManager,
  ) {}

  /** Pinned first, then most recently active; archived ones only when asked for. */
  async list(options: { archived?: boolean } = {}): Promise<ConversationSummary[]> {
    const records = await this.ctx.db.conversations.listRecent(LIST_LIMIT);
    const wanted = records.filter((record) =>
      options.archived === undefined ? true : record.archived === options.archived,
    );
    const summaries = await Promise.all(wanted.map((record) => this.#summarise(record)));
    return summaries.sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.lastActivity - a.lastActivity);
  }

  async get(id: string): Promise<ConversationSummary> {
    const record = await this.ctx.db.conversations.get(id);
    if (record === undefined) throw new ParleyError('NOT_FOUND', `no conversation ${id}`);
    return this.#summarise(record);
  }

  async setFlag(id: string, flag: 'pinned' | 'archived' | 'muted', value: boolean): Promise<void> {
    if (typeof value !== 'boolean') throw new ParleyError('BAD_REQUEST', `${flag} is true or false`);
    const updated = await this.ctx.db.conversations.update(id, (record) => ({ ...record, [flag]: value }));
    if (updated === undefined) throw new ParleyError('NOT_FOUND', `no conversation ${id}`);
    this.changed(id);
  }

  /** The incoming messages of a conversation not read yet, newest first (stops once unreadCount are found). */
  async unreadMessages(id: string): Promise<string[]> {
    const record = await this.ctx.db.conversations.get(id);
    if (record === undefined) throw new ParleyError('NOT_FOUND', `no conversation ${id}`);
    const ids: string[] = [];
    let before: StoredMessage['sortKey'] | undefined;
    for (;;) {
      const page = await this.ctx.db.messages.page(id, { limit: 200, ...(before ? { before } : {}) });
      for (const message of page.messages) {
        if (message.direction === 'incoming' && message.state === 'received') ids.push(message.id);
      }
      if (page.nextCursor === undefined || ids.length >= record.unreadCount) return ids;
      before = page.nextCursor;
    }
  }

  /**
   * Marks incoming messages read and lowers their conversations' unread counts; returns them by sender
   * device, for the read receipts.
   */
  async markRead(messageIds: readonly string[]): Promise<{ sender: ProtocolAddress; ids: string[] }[]> {
    const bySender = new Map<string, { sender: ProtocolAddress; ids: string[] }>();
    const perConversation = new Map<string, number>();
    for (const id of messageIds) {
      const message = await this.ctx.db.messages.get(id);
      if (message === undefined || message.direction !== 'incoming' || message.state === 'read') continue;
      await this.ctx.db.messages.setState(id, 'read');
      perConversation.set(message.conversationId, (perConversation.get(message.conversationId) ?? 0) + 1);
      const key = `${message.sender.name}.${message.sender.deviceId}`;
      const entry = bySender.get(key) ?? { sender: message.sender, ids: [] };
      entry.ids.push(id);
      bySender.set(key, entry);
    }
    for (const [id, count] of perConversation) {
      await this.ctx.db.conversations.update(id, (record) => ({
        ...record,
        unreadCount: Math.max(0, record.unreadCount - count),
      }));
      this.changed(id);
    }
    return [...bySender.values()];
  }

  async search(
    query: string,
    options: { conversationId?: string; limit?: number } = {},
  ): Promise<SearchHit[]> {
    if (typeof query !== 'string') throw new ParleyError('BAD_REQUEST', 'a search query is text');
    if (query.length > MAX_SEARCH_QUERY_LENGTH) {
      throw new ParleyError('BAD_REQUEST', `a search query is at most ${MAX_SEARCH_QUERY_LENGTH} characters`);
    }
    if (options.limit !== undefined && (!Number.isSafeInteger(options.limit) || options.limit < 1)) {
      throw new ParleyError('BAD_REQUEST', 'the search limit is a positive integer');
    }
    const found = await this.ctx.db.messages.search(query, options);
    return found
      .filter((message) => !message.conversationId.startsWith('control:'))
      .map((message) => ({
        messageId: message.id,
        conversationId: message.conversationId,
        text: message.text,
        sentAt: message.sentAt,
        sender: message.sender.name,
        direction: message.direction,
      }));
  }

  /** Re-reads one conversation and emits 'conversation-updated' (errors go to the 'error' event). */
  changed(id: string): void {
    if (id.startsWith('control:')) return;
    void this.#queue
      .run(id, async () => {
        const record = await this.ctx.db.conversations.get(id);
        if (record !== undefined) this.ctx.emit('conversation-updated', await this.#summarise(record));
      })
      .catch((error: unknown) => {
        if (error instanceof ParleyError && error.code === 'CLOSED') return;
        this.ctx.emit(
          'error',
          error instanceof ParleyError ? error : new ParleyError('INTERNAL', String(error), { cause: error }),
        );
      });
  }

  /** Follows the engine's events: whatever changes a conversation's row re-emits it. */
  observe<K extends keyof ParleyClientEvents>(event: K, payload: ParleyClientEvents[K]): void {
    const p = payload as Record<string, unknown>;
    switch (event) {
      case 'message':
        this.changed((p['message'] as StoredMessage).conversationId);
        return;
      case 'message-state':
      case 'disappearing-timer':
        this.changed(String(p['conversationId']));
        return;
      case 'message-edited':
      case 'message-deleted':
        void this.ctx.db.messages.get(String(p['messageId'])).then(
          (message) => message !== undefined && this.changed(message.conversationId),
          () => undefined,
        );
        return;
      case 'group':
        this.changed(`group:${(p['state'] as { groupId: string }).groupId}`);
        return;
      case 'contact-added':
      case 'contact-updated':
        this.changed(directConversationId(String(p['account'])));
        return;
    }
  }

  /** Resolves once every pending 'conversation-updated' was emitted. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  async #summarise(record: Conversation): Promise<ConversationSummary> {
    let title = record.title;
    let avatar: Uint8Array | undefined;
    if (record.kind === 'direct') {
      const contact = await this.ctx.db.contacts.get(record.members[0] ?? '');
      if (contact !== undefined) {
        title = contact.displayName;
        avatar = contact.avatar;
      }
    } else {
      const state = await this.groups.get(record.id.slice('group:'.length));
      if (state !== undefined) {
        title = displayText(state.name);
        avatar = avatarBytesFromText(state.avatar);
      }
    }
    const last =
      record.lastMessageId === undefined ? undefined : await this.ctx.db.messages.get(record.lastMessageId);
    const lastMessage = last === undefined ? undefined : await this.#preview(last);
    return {
      id: record.id,
      kind: record.kind,
      title,
      ...(avatar === undefined ? {} : { avatar }),
      ...(lastMessage === undefined ? {} : { lastMessage }),
      lastActivity: record.lastActivity,
      unreadCount: record.unreadCount,
      pinned: record.pinned ?? false,
      archived: record.archived,
      muted: record.muted ?? false,
    };
  }

  async #preview(message: StoredMessage): Promise<MessagePreview> {
    const stored = await this.ctx.state.get(`${KIND_PREFIX}${message.id}`);
    const kind: MessageKind =
      message.deletedAt !== undefined
        ? 'deleted'
        : stored === 'photo' || stored === 'video' || stored === 'voice' || stored === 'file'
          ? stored
          : 'text';
    const labels: Record<MessageKind, string> = {
      text: message.text,
      photo: 'Photo',
      video: 'Video',
      voice: 'Voice message',
      file: `File: ${message.text}`,
      deleted: 'Message deleted',
    };
    return {
      messageId: message.id,
      kind,
      preview: labels[kind].slice(0, 200),
      sentAt: message.sentAt,
      direction: message.direction,
      sender: message.sender.name,
      state: message.state,
    };
  }
}
