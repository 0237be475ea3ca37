import { IDBCursor, IDBIndex, IDBObjectStore } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientDatabase } from '../client-database.js';
import { message, openTestDatabase } from '../testing/fixtures.js';
import type { NewMessage } from '../types.js';

/*
 * Proves structurally, not by timing, that paging reads only the page: every cursor step and every bulk read
 * that IndexedDB performs is counted. Installed before the first database use, because idb recognises the
 * cursor methods by identity the first time it sees one.
 */
const reads = { cursorSteps: 0, cursorsOpened: [] as string[], bulkReads: [] as string[] };

function count<T extends object>(
  prototype: T,
  method: string,
  record: (self: { name: string }) => void,
): void {
  const target = prototype as Record<string, unknown>;
  const original = target[method] as (...args: unknown[]) => unknown;
  target[method] = function (this: { name: string }, ...args: unknown[]) {
    record(this);
    return original.apply(this, args);
  };
}

count(IDBCursor.prototype, 'continue', () => reads.cursorSteps++);
count(IDBCursor.prototype, 'advance', () => reads.cursorSteps++);
for (const source of [IDBIndex.prototype, IDBObjectStore.prototype]) {
  count(source, 'openCursor', (self) => reads.cursorsOpened.push(self.name));
  for (const bulk of ['getAll', 'getAllKeys', 'count'])
    count(source, bulk, (self) => reads.bulkReads.push(self.name));
}

function resetReads(): void {
  reads.cursorSteps = 0;
  reads.cursorsOpened = [];
  reads.bulkReads = [];
}

const TOTAL = 100_000;
let db: ClientDatabase;

beforeAll(async () => {
  db = await openTestDatabase();
  const batch: NewMessage[] = [];
  for (let i = 0; i < TOTAL; i++) {
    // No text: the search index is tested elsewhere, and here it would only add 100,000 writes.
    batch.push(message({ id: `m${String(i).padStart(6, '0')}`, sentAt: 1_000_000 + i, text: '' }));
  }
  // A few messages of another conversation on either side, so the range must stop at the conversation's edge.
  batch.push(message({ id: 'x-early', conversationId: 'conv-0', sentAt: 1 }));
  batch.push(message({ id: 'x-late', conversationId: 'conv-2', sentAt: 9_000_000 }));
  await db.messages.insertMany(batch);
}, 120_000);
afterAll(() => db.close());

describe('a conversation with 100,000 messages', () => {
  it('loads the latest 50 by visiting 50 index entries, not the whole conversation', async () => {
    resetReads();
    const page = await db.messages.page('conv-1', { limit: 50 });
    expect(page.messages).toHaveLength(50);
    expect(page.messages[0]?.id).toBe('m099999');
    expect(page.messages[49]?.id).toBe('m099950');
    expect(reads.cursorsOpened).toEqual(['byConversationOrder']);
    expect(reads.cursorSteps).toBe(49); // the first record comes with openCursor
    expect(reads.bulkReads).toEqual([]);
  });

  it('loads an older page from the cursor just as cheaply', async () => {
    const first = await db.messages.page('conv-1', { limit: 50 });
    resetReads();
    const second = await db.messages.page('conv-1', {
      limit: 50,
      ...(first.nextCursor ? { before: first.nextCursor } : {}),
    });
    expect(second.messages.map((m) => m.id).slice(0, 2)).toEqual(['m099949', 'm099948']);
    expect(reads.cursorSteps).toBe(49);
    expect(reads.bulkReads).toEqual([]);
  });

  it('pages to the very first message without running into the neighbouring conversations', async () => {
    const oldest = await db.messages.page('conv-1', {
      limit: 3,
      before: [1_000_003, 0, 'alice-identity', 1, 'm000003'],
    });
    expect(oldest.messages.map((m) => m.id)).toEqual(['m000002', 'm000001', 'm000000']);
    const beyond = oldest.nextCursor
      ? await db.messages.page('conv-1', { before: oldest.nextCursor })
      : undefined;
    expect(beyond?.messages).toEqual([]);
  });
});
