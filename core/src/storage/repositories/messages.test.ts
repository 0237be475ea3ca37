import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientDatabase } from '../client-database.js';
import { compareSortKeys } from '../ordering.js';
import { ALICE, BOB, message, openTestDatabase } from '../testing/fixtures.js';
import type { NewMessage, StoredMessage } from '../types.js';

let db: ClientDatabase;
beforeEach(async () => {
  db = await openTestDatabase();
});
afterEach(() => db.close());

async function allNewestFirst(conversationId = 'conv-1'): Promise<readonly StoredMessage[]> {
  return (await db.messages.page(conversationId, { limit: 10_000 })).messages;
}

/** A deterministic shuffle (mulberry32), so a failure reproduces. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed;
  const random = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('inserting messages', () => {
  it('stores a message once and reports a second insert of the same id as a duplicate without changing it', async () => {
    expect(await db.messages.insert(message({ id: 'm1', text: 'first copy' }))).toBe('inserted');
    expect(await db.messages.insert(message({ id: 'm1', text: 'second copy', sentAt: 5 }))).toBe('duplicate');
    const stored = await db.messages.get('m1');
    expect(stored?.text).toBe('first copy');
    expect(await allNewestFirst()).toHaveLength(1);
  });

  it('reports duplicates within one batch and against stored messages', async () => {
    await db.messages.insert(message({ id: 'm1' }));
    const results = await db.messages.insertMany([
      message({ id: 'm2' }),
      message({ id: 'm1' }),
      message({ id: 'm2' }),
    ]);
    expect(results).toEqual(['inserted', 'duplicate', 'duplicate']);
  });

  it('does not revive a message deleted for everyone when a late copy arrives', async () => {
    await db.messages.insert(message({ id: 'm1', text: 'oops' }));
    await db.messages.deleteForEveryone('m1', 1_700_000_001_000);
    expect(await db.messages.insert(message({ id: 'm1', text: 'oops' }))).toBe('duplicate');
    const stored = await db.messages.get('m1');
    expect(stored?.text).toBe('');
    expect(stored?.deletedAt).toBe(1_700_000_001_000);
  });

  it('rejects a message whose timestamp cannot be ordered', async () => {
    await expect(db.messages.insert(message({ id: 'm1', sentAt: Number.NaN }))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('moves the conversation to the newest message and counts unread incoming ones', async () => {
    await db.conversations.put({
      id: 'conv-1',
      kind: 'direct',
      title: 'Alice',
      members: [ALICE.name],
      lastActivity: 0,
      unreadCount: 0,
      archived: false,
    });
    await db.messages.insert(message({ id: 'new', sentAt: 2_000 }));
    await db.messages.insert(message({ id: 'old', sentAt: 1_000 }));
    await db.messages.insert(message({ id: 'mine', sentAt: 1_500, direction: 'outgoing', state: 'sent' }));
    const conversation = await db.conversations.get('conv-1');
    expect(conversation).toMatchObject({ lastActivity: 2_000, lastMessageId: 'new', unreadCount: 2 });
    await db.conversations.markRead('conv-1');
    expect((await db.conversations.get('conv-1'))?.unreadCount).toBe(0);
  });

  it('keeps a group-change line in order without counting it unread, making it the last message or indexing it', async () => {
    await db.conversations.put({
      id: 'conv-1',
      kind: 'group',
      title: 'Band',
      members: [ALICE.name],
      lastActivity: 0,
      unreadCount: 0,
      archived: false,
    });
    await db.messages.insert(message({ id: 'hello', sentAt: 1_000, text: 'rehearsal tonight' }));
    await db.messages.insert(
      message({ id: 'line', sentAt: 2_000, kind: 'group-change', state: 'read', text: '{"rehearsal":1}' }),
    );
    expect(await db.conversations.get('conv-1')).toMatchObject({
      lastActivity: 1_000,
      lastMessageId: 'hello',
      unreadCount: 1,
    });
    expect((await allNewestFirst()).map(({ id, kind }) => ({ id, kind }))).toEqual([
      { id: 'line', kind: 'group-change' },
      { id: 'hello', kind: undefined },
    ]);
    expect((await db.messages.search('rehearsal')).map(({ id }) => id)).toEqual(['hello']);
  });
});

describe('message order', () => {
  // Same millisecond, same counter, different senders and ids: every tie-breaker gets exercised.
  const batch: NewMessage[] = [];
  for (let i = 0; i < 60; i++) {
    batch.push(
      message({
        id: `id-${(i * 7) % 13}-${i}`,
        sentAt: 1_000 + (i % 4),
        senderCounter: i % 3,
        sender: i % 2 === 0 ? ALICE : i % 5 === 0 ? { name: ALICE.name, deviceId: 2 } : BOB,
      }),
    );
  }

  it('is the same whatever order the messages arrive in', async () => {
    const orders: string[][] = [];
    for (const seed of [1, 2, 3]) {
      const fresh = await openTestDatabase();
      for (const m of shuffled(batch, seed)) await fresh.messages.insert(m);
      orders.push((await fresh.messages.page('conv-1', { limit: 1_000 })).messages.map((m) => m.id));
      fresh.close();
    }
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[2]).toEqual(orders[0]);
  });

  it('sorts by sender timestamp, then sender counter, then sender, then message id', async () => {
    await db.messages.insertMany(shuffled(batch, 9));
    const newestFirst = await allNewestFirst();
    for (let i = 1; i < newestFirst.length; i++) {
      const newer = newestFirst[i - 1] as StoredMessage;
      const older = newestFirst[i] as StoredMessage;
      expect(compareSortKeys(newer.sortKey, older.sortKey)).toBe(1);
    }
    expect(newestFirst[0]?.sortKey).toEqual([1_003, 2, BOB.name, 1, newestFirst[0]?.id]);
  });

  it('orders messages sent within one millisecond by the sender counter, not by arrival', async () => {
    await db.messages.insert(message({ id: 'z-second', sentAt: 5, senderCounter: 2 }));
    await db.messages.insert(message({ id: 'a-first', sentAt: 5, senderCounter: 1 }));
    expect((await allNewestFirst()).map((m) => m.id)).toEqual(['z-second', 'a-first']);
  });
});

describe('paging a conversation', () => {
  it('returns the latest N newest first, then older pages from the cursor, with no gaps or repeats', async () => {
    const messages = Array.from({ length: 25 }, (_, i) => message({ id: `m${i}`, sentAt: 1_000 + i }));
    await db.messages.insertMany(shuffled(messages, 4));
    await db.messages.insert(message({ id: 'other', conversationId: 'conv-2', sentAt: 9_999 }));
    const seen: string[] = [];
    let page = await db.messages.page('conv-1', { limit: 10 });
    seen.push(...page.messages.map((m) => m.id));
    while (page.nextCursor) {
      page = await db.messages.page('conv-1', { limit: 10, before: page.nextCursor });
      seen.push(...page.messages.map((m) => m.id));
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `m${24 - i}`));
  });

  it('returns an empty page for an unknown conversation', async () => {
    expect(await db.messages.page('nobody')).toEqual({ messages: [] });
  });
});

describe('changing messages', () => {
  it('updates delivery state', async () => {
    await db.messages.insert(message({ id: 'm1', direction: 'outgoing', state: 'pending' }));
    await db.messages.setState('m1', 'read');
    expect((await db.messages.get('m1'))?.state).toBe('read');
  });

  it('edits text and refuses to edit a deleted message', async () => {
    await db.messages.insert(message({ id: 'm1', text: 'helo' }));
    expect(await db.messages.edit('m1', 'hello', 2_000)).toBe(true);
    expect(await db.messages.get('m1')).toMatchObject({ text: 'hello', editedAt: 2_000 });
    await db.messages.deleteForEveryone('m1', 3_000);
    expect(await db.messages.edit('m1', 'back', 4_000)).toBe(false);
    expect(await db.messages.edit('missing', 'x', 4_000)).toBe(false);
  });

  it('keeps a tombstone without text or attachments after delete-for-everyone', async () => {
    await db.messages.insert(message({ id: 'm1', text: 'secret', attachmentIds: ['a1'] }));
    expect(await db.messages.deleteForEveryone('m1', 3_000)).toBe(true);
    const tombstone = await db.messages.get('m1');
    expect(tombstone).toMatchObject({ id: 'm1', text: '', deletedAt: 3_000 });
    expect(tombstone?.attachmentIds).toBeUndefined();
    expect(await db.messages.deleteForEveryone('missing', 3_000)).toBe(false);
  });
});

describe('full-text search', () => {
  beforeEach(async () => {
    await db.messages.insertMany([
      message({ id: 'm1', sentAt: 1, text: 'Meet me at the Café tomorrow' }),
      message({ id: 'm2', sentAt: 2, text: 'Tomorrow is MONDAY' }),
      message({ id: 'm3', sentAt: 3, text: 'Привет, Мир! 会议 tomorrow?' }),
      message({ id: 'm4', sentAt: 4, conversationId: 'conv-2', text: 'tomorrow elsewhere' }),
    ]);
  });

  const ids = (messages: readonly StoredMessage[]): string[] => messages.map((m) => m.id);

  it('finds words by prefix, case-insensitively, newest first', async () => {
    expect(ids(await db.messages.search('tomor'))).toEqual(['m4', 'm3', 'm2', 'm1']);
    expect(ids(await db.messages.search('CAF'))).toEqual(['m1']);
    expect(ids(await db.messages.search('café'))).toEqual(['m1']);
  });

  it('requires every term to match', async () => {
    expect(ids(await db.messages.search('tomorrow mon'))).toEqual(['m2']);
    expect(ids(await db.messages.search('tomorrow nothing'))).toEqual([]);
  });

  it('handles non-Latin scripts', async () => {
    expect(ids(await db.messages.search('мир'))).toEqual(['m3']);
    expect(ids(await db.messages.search('ПРИВ'))).toEqual(['m3']);
    expect(ids(await db.messages.search('会议'))).toEqual(['m3']);
  });

  it('can be limited to one conversation', async () => {
    expect(ids(await db.messages.search('tomorrow', { conversationId: 'conv-2' }))).toEqual(['m4']);
  });

  it('follows edits: the old words no longer match, the new ones do', async () => {
    await db.messages.edit('m2', 'Tuesday then', 10);
    expect(ids(await db.messages.search('monday'))).toEqual([]);
    expect(ids(await db.messages.search('tues'))).toEqual(['m2']);
  });

  it('never finds a message deleted for everyone', async () => {
    await db.messages.deleteForEveryone('m1', 10);
    expect(ids(await db.messages.search('café'))).toEqual([]);
    expect(ids(await db.messages.search('tomorrow'))).toEqual(['m4', 'm3', 'm2']);
  });

  it('stores markup verbatim and finds it by its words', async () => {
    const text = '<img src=x onerror="alert(1)"> <script>steal()</script> & &amp;';
    await db.messages.insert(message({ id: 'xss', text }));
    expect((await db.messages.get('xss'))?.text).toBe(text);
    expect(ids(await db.messages.search('onerror alert'))).toEqual(['xss']);
  });

  it('returns nothing for a query without words', async () => {
    expect(await db.messages.search('  ?! ')).toEqual([]);
  });
});
