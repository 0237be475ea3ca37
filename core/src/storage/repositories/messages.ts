import { ParleyError } from '../../errors/index.js';
import { inTransaction, type StorageContext } from '../context.js';
import type { ParleyTransaction } from '../idb-environment.js';
import { compareSortKeys, sortKeyOf } from '../ordering.js';
import type { ContentCipher } from '../content-cipher.js';
import type { MessageRow, SealedMessageRow } from '../schema.js';
import { indexMessage } from '../search-index.js';
import { tokenize } from '../tokenize.js';
import type {
  InsertResult,
  MessagePage,
  MessageSortKey,
  MessageState,
  NewMessage,
  RecallProof,
  StoredMessage,
} from '../types.js';

/** The stores a message insert touches; transactions that insert messages must include all of them. */
export const MESSAGE_STORES = ['messages', 'searchTokens', 'conversations'] as const;

export const DEFAULT_PAGE_SIZE = 50;

type WriteTx = ParleyTransaction<'readwrite'>;

const PIPELINE_CHUNK = 500;

/** The row written for a message: its text sealed (schema.ts, SealedMessageRow). */
export function sealMessage(cipher: ContentCipher, message: StoredMessage): SealedMessageRow {
  const { text, ...rest } = message;
  return { ...rest, sealedText: cipher.sealText(text) };
}

/** The message a row holds; a row from before migration 005's data step still has its text in clear. */
export function openMessage(cipher: ContentCipher, row: MessageRow): StoredMessage {
  if (!('sealedText' in row)) return row;
  const { sealedText, ...rest } = row;
  return { ...rest, text: cipher.openText(sealedText) };
}

/**
 * Inserts each message unless one with its id exists or came earlier in the batch (then nothing changes and its
 * result is 'duplicate'), indexes its text and moves its conversation's last activity forward. Runs inside the
 * caller's transaction. Requests go out a chunk at a time and are awaited together (IndexedDB still runs them in
 * order): far fewer round trips than one await per request, without queueing 100,000 requests at once.
 */
export async function insertMessagesInTx(
  tx: WriteTx,
  cipher: ContentCipher,
  messages: readonly NewMessage[],
): Promise<InsertResult[]> {
  // Validate everything before the first write.
  const prepared: StoredMessage[] = messages.map((message) => ({ ...message, sortKey: sortKeyOf(message) }));
  const store = tx.objectStore('messages');
  const seen = new Set<string>();
  const fresh: StoredMessage[] = [];
  const results: InsertResult[] = [];
  for (let start = 0; start < prepared.length; start += PIPELINE_CHUNK) {
    const chunk = prepared.slice(start, start + PIPELINE_CHUNK);
    const existing = await Promise.all(chunk.map((message) => store.getKey(message.id)));
    const added: StoredMessage[] = [];
    chunk.forEach((message, i) => {
      const duplicate = existing[i] !== undefined || seen.has(message.id);
      results.push(duplicate ? 'duplicate' : 'inserted');
      if (duplicate) return;
      seen.add(message.id);
      added.push(message);
    });
    await Promise.all(
      added.flatMap((message) => [
        store.add(sealMessage(cipher, message)),
        // A system line (a group change) is not something anyone wrote: not searchable.
        ...(message.kind === undefined ? [indexMessage(tx, cipher, message)] : []),
      ]),
    );
    fresh.push(...added);
  }
  // System lines neither count as unread nor become the chat list's last message.
  await advanceConversations(
    tx,
    fresh.filter((message) => message.kind === undefined),
  );
  return results;
}

export async function insertMessageInTx(
  tx: WriteTx,
  cipher: ContentCipher,
  message: NewMessage,
): Promise<InsertResult> {
  const [result] = await insertMessagesInTx(tx, cipher, [message]);
  return result ?? 'duplicate';
}

/** Moves each touched conversation's last activity to its newest message and counts unread incoming ones. */
async function advanceConversations(tx: WriteTx, inserted: readonly StoredMessage[]): Promise<void> {
  const touched = new Map<string, { newest: StoredMessage; incoming: number }>();
  for (const message of inserted) {
    const entry = touched.get(message.conversationId) ?? { newest: message, incoming: 0 };
    if (compareSortKeys(message.sortKey, entry.newest.sortKey) > 0) entry.newest = message;
    if (message.direction === 'incoming') entry.incoming++;
    touched.set(message.conversationId, entry);
  }
  const store = tx.objectStore('conversations');
  const conversations = await Promise.all([...touched.keys()].map((id) => store.get(id)));
  await Promise.all(
    conversations.map((conversation) => {
      const entry = conversation && touched.get(conversation.id);
      if (conversation === undefined || entry === undefined) return undefined;
      const { newest, incoming } = entry;
      const newer = newest.sentAt >= conversation.lastActivity;
      return store.put({
        ...conversation,
        ...(newer ? { lastActivity: newest.sentAt, lastMessageId: newest.id } : {}),
        unreadCount: conversation.unreadCount + incoming,
      });
    }),
  );
}

export interface PageOptions {
  /** Only messages strictly older than this sort key (a previous page's nextCursor). */
  readonly before?: MessageSortKey;
  readonly limit?: number;
}

export interface SearchOptions {
  readonly conversationId?: string;
  readonly limit?: number;
}

export class MessageRepository {
  constructor(private readonly context: StorageContext) {}

  /** 'duplicate' when a message with this id is already stored (delivered twice, or a tombstone): nothing changes. */
  async insert(message: NewMessage): Promise<InsertResult> {
    return inTransaction(this.context.write(MESSAGE_STORES), (tx) =>
      insertMessageInTx(tx, this.context.content, message),
    );
  }

  /** Many inserts in one transaction (history sync, imports): all land or none. */
  async insertMany(messages: readonly NewMessage[]): Promise<InsertResult[]> {
    return inTransaction(this.context.write(MESSAGE_STORES), (tx) =>
      insertMessagesInTx(tx, this.context.content, messages),
    );
  }

  /** How many messages are stored (group-change and call lines included); counted by the store, not read. */
  async count(): Promise<number> {
    return this.context.db.count('messages');
  }

  async get(id: string): Promise<StoredMessage | undefined> {
    const row = await this.context.db.get('messages', id);
    return row === undefined ? undefined : openMessage(this.context.content, row);
  }

  /**
   * The newest `limit` messages of a conversation older than `before`, newest first. A reverse cursor over the
   * [conversationId, sortKey] index visits exactly the records returned, however many the conversation holds.
   */
  async page(conversationId: string, options: PageOptions = {}): Promise<MessagePage> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new ParleyError('BAD_REQUEST', 'page limit must be ≥ 1');
    // Sort keys start with a finite sentAt, so [Infinity] is above every one of them.
    const upper = [conversationId, options.before ?? [Infinity]];
    const range = this.context.keyRange.bound([conversationId], upper, false, true);
    const tx = this.context.read(['messages']);
    const messages = await inTransaction(tx, async () => {
      const found: StoredMessage[] = [];
      let cursor = await tx
        .objectStore('messages')
        .index('byConversationOrder')
        .openCursor(range as never, 'prev');
      while (cursor) {
        found.push(openMessage(this.context.content, cursor.value));
        if (found.length === limit) break;
        cursor = await cursor.continue();
      }
      return found;
    });
    const last = messages.length === limit ? messages[messages.length - 1] : undefined;
    return last === undefined ? { messages } : { messages, nextCursor: last.sortKey };
  }

  async setState(id: string, state: MessageState): Promise<void> {
    await this.update(id, (message) => ({ ...message, state }));
  }

  /** Replaces the text (and its index entries). Returns false if the message is unknown or deleted. */
  async edit(id: string, text: string, editedAt: number): Promise<boolean> {
    return this.update(id, (message) =>
      message.deletedAt === undefined ? { ...message, text, editedAt } : undefined,
    );
  }

  /**
   * Delete-for-everyone: the text and attachment references go, the record stays as a tombstone so that a late
   * duplicate of the original is recognised and not shown again. Returns false if the message is unknown.
   */
  async deleteForEveryone(id: string, deletedAt: number, recall?: RecallProof): Promise<boolean> {
    return this.update(id, (message) => {
      const { attachmentIds: _attachments, editedAt: _edited, ...rest } = message;
      return { ...rest, text: '', deletedAt, ...(recall === undefined ? {} : { recall }) };
    });
  }

  /**
   * Messages whose text has, for every term of the query, a word starting with that term (case-insensitive,
   * Unicode-aware), newest first. Tombstones never match: their tokens are removed with their text. The index
   * holds keyed hashes (content-cipher.ts), so a term is one exact key lookup; a term of one character
   * matches whole one-character words only, and one longer than MAX_PREFIX is checked against the text.
   */
  async search(query: string, options: SearchOptions = {}): Promise<StoredMessage[]> {
    const terms = tokenize(query).sort((a, b) => b.length - a.length);
    if (terms.length === 0) return [];
    const { keyRange, content } = this.context;
    const lookups = terms.map((term) => ({ term, ...content.queryTerm(term) }));
    const tx = this.context.read(['searchTokens', 'messages']);
    const hits = await inTransaction(tx, async () => {
      const byToken = tx.objectStore('searchTokens').index('byToken');
      let candidates: Set<string> | undefined;
      // Longest term first: it usually matches fewest messages, and the intersection only shrinks.
      for (const { hash } of lookups) {
        const ids = await byToken.getAllKeys(keyRange.only(hash) as never);
        const previous = candidates;
        candidates = new Set(previous === undefined ? ids : ids.filter((id) => previous.has(id)));
        if (candidates.size === 0) return [];
      }
      const store = tx.objectStore('messages');
      return Promise.all([...(candidates ?? [])].map((id) => store.get(id)));
    });
    const verify = lookups.filter((lookup) => lookup.verify).map((lookup) => lookup.term);
    const found = hits
      .filter((row): row is MessageRow => row !== undefined)
      .map((row) => openMessage(content, row))
      .filter(
        (message) =>
          message.deletedAt === undefined &&
          (options.conversationId === undefined || message.conversationId === options.conversationId) &&
          (verify.length === 0 || matchesAll(message.text, verify)),
      );
    found.sort((a, b) => compareSortKeys(b.sortKey, a.sortKey));
    return found.slice(0, options.limit ?? DEFAULT_PAGE_SIZE);
  }

  /** Read-modify-write of one message in one transaction, keeping the search index in step with the text. */
  private async update(
    id: string,
    change: (message: StoredMessage) => StoredMessage | undefined,
  ): Promise<boolean> {
    return inTransaction(this.context.write(['messages', 'searchTokens']), async (tx) => {
      const row = await tx.objectStore('messages').get(id);
      if (row === undefined) return false;
      const current = openMessage(this.context.content, row);
      const next = change(current);
      if (next === undefined) return false;
      await tx.objectStore('messages').put(sealMessage(this.context.content, next));
      if (next.text !== current.text || next.deletedAt !== current.deletedAt)
        await indexMessage(tx, this.context.content, next, true);
      return true;
    });
  }
}

/** Whether, for every term, the text has a word starting with it. */
function matchesAll(text: string, terms: readonly string[]): boolean {
  const words = tokenize(text);
  return terms.every((term) => words.some((word) => word.startsWith(term)));
}
