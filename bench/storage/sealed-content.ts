/**
 * What sealing message content at rest costs (core/src/storage, migration 005): inserts, search, paging and
 * the migration's re-encryption, against the previous format (clear text, plain tokens) written and read the
 * same way in the same run. Both run on fake-indexeddb in this process, like the engine's tests and benches.
 * `npx tsx bench/storage/sealed-content.ts`
 */
import { freshIndexedDb } from '../../core/src/storage/testing/fake-indexeddb.js';
import { openClientDatabase, type ClientDatabase } from '../../core/src/storage/client-database.js';
import { inTransaction } from '../../core/src/storage/context.js';
import { ContentCipher } from '../../core/src/storage/content-cipher.js';
import {
  openIndexedDb,
  requireIndexedDbGlobals,
  startTransaction,
  type IndexedDbFactory,
  type ParleyDb,
} from '../../core/src/storage/idb-environment.js';
import { createSecretboxKeyWrapper } from '../../core/src/storage/key-wrapper.js';
import { META_RESEAL_PENDING } from '../../core/src/storage/migrations/005-sealed-content.js';
import { sortKeyOf } from '../../core/src/storage/ordering.js';
import { SCHEMA_VERSION } from '../../core/src/storage/schema.js';
import { tokenize } from '../../core/src/storage/tokenize.js';
import type { NewMessage, StoredMessage } from '../../core/src/storage/types.js';
import { compareSortKeys } from '../../core/src/storage/ordering.js';
import { runIfMain } from '../relay/lib/main.node.js';
import { count, heading, line, ratio } from '../relay/lib/report.js';

const SINGLE = 2_000; // one transaction per message, as the engine commits them
const BULK = 10_000; // one insertMany
const SEARCHES = 50;
const WORDS = (
  'meet tomorrow morning harbour lighthouse ferry coffee train station weekend dinner photos birthday ' +
  'project deadline review meeting office holiday mountain river bicycle concert tickets garden kitchen ' +
  'window doctor appointment saturday sunday evening market bakery library museum airport luggage'
).split(' ');

function text(i: number): string {
  const words: string[] = [];
  let x = i * 2654435761;
  for (let n = 0; n < 12; n++) {
    x = (x * 1103515245 + 12345) >>> 0;
    words.push(WORDS[x % WORDS.length] ?? 'x');
  }
  return words.join(' ');
}

function messageAt(i: number, conversationId = 'conv-1'): NewMessage {
  return {
    id: `m${String(i).padStart(7, '0')}`,
    conversationId,
    sender: { name: 'alice-identity', deviceId: 1 },
    sentAt: 1_700_000_000_000 + i,
    senderCounter: i,
    receivedAt: 1_700_000_000_000 + i,
    direction: 'incoming',
    state: 'received',
    text: text(i),
  };
}

const keyWrapper = createSecretboxKeyWrapper(new Uint8Array(32).fill(7));

async function openSealed(indexedDB: IndexedDbFactory, name: string): Promise<ClientDatabase> {
  return openClientDatabase({ indexedDB, name, keyWrapper });
}

/** The same database opened raw, for the previous format's writes and reads. */
function openRaw(indexedDB: IndexedDbFactory, name: string): Promise<ParleyDb> {
  return openIndexedDb(indexedDB, name, SCHEMA_VERSION, () => {
    throw new Error('expected an existing database');
  });
}

/** The previous insert (before 005): dedup check, clear row, plain tokens, the conversation's activity. */
async function insertPlain(db: ParleyDb, messages: readonly NewMessage[]): Promise<void> {
  const tx = startTransaction(db, ['messages', 'searchTokens', 'conversations'], 'readwrite');
  await inTransaction(tx, async () => {
    const store = tx.objectStore('messages');
    const existing = await Promise.all(messages.map((message) => store.getKey(message.id)));
    const fresh = messages.filter((_, i) => existing[i] === undefined);
    await Promise.all(
      fresh.flatMap((message) => {
        const row: StoredMessage = { ...message, sortKey: sortKeyOf(message) };
        const tokens = tokenize(message.text);
        return [
          store.add(row),
          tx
            .objectStore('searchTokens')
            .put({ messageId: row.id, conversationId: row.conversationId, tokens }),
        ];
      }),
    );
    await tx.objectStore('conversations').get(fresh[0]?.conversationId ?? '');
  });
}

/** The previous search: a key range per term over plain tokens, intersected, rows read in clear. */
async function searchPlain(db: ParleyDb, query: string): Promise<StoredMessage[]> {
  const keyRange = requireIndexedDbGlobals();
  const tx = startTransaction(db, ['searchTokens', 'messages'], 'readonly');
  return inTransaction(tx, async () => {
    let candidates: Set<string> | undefined;
    for (const term of tokenize(query).sort((a, b) => b.length - a.length)) {
      const ids = await tx
        .objectStore('searchTokens')
        .index('byToken')
        .getAllKeys(keyRange.bound(term, `${term}\uffff`) as never);
      const previous = candidates;
      candidates = new Set(previous === undefined ? ids : ids.filter((id) => previous.has(id)));
    }
    const rows = await Promise.all([...(candidates ?? [])].map((id) => tx.objectStore('messages').get(id)));
    const found = rows.filter((row): row is StoredMessage => row !== undefined && 'text' in row);
    found.sort((a, b) => compareSortKeys(b.sortKey, a.sortKey));
    return found.slice(0, 50);
  });
}

async function pagePlain(db: ParleyDb): Promise<number> {
  const keyRange = requireIndexedDbGlobals();
  const tx = startTransaction(db, ['messages'], 'readonly');
  return inTransaction(tx, async () => {
    let cursor = await tx
      .objectStore('messages')
      .index('byConversationOrder')
      .openCursor(keyRange.bound(['conv-1'], ['conv-1', [Infinity]], false, true) as never, 'prev');
    let n = 0;
    while (cursor && ++n < 50) cursor = await cursor.continue();
    return n;
  });
}

/**
 * CPU time (user + system, ms) of `run`: everything here runs in this one thread (fake-indexeddb included),
 * so CPU time measures the work and not what else the shared machine is doing, as wall time would.
 */
async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const QUERIES = Array.from({ length: SEARCHES }, (_, i) => {
  const word = WORDS[(i * 7) % WORDS.length] ?? 'meet';
  return i % 2 === 0 ? word.slice(0, 4) : `${word} ${WORDS[(i * 3) % WORDS.length]?.slice(0, 3) ?? ''}`;
});

export async function main(): Promise<void> {
  heading(
    `storage: sealed message content vs the previous clear format (fake-indexeddb, Node ${process.version}; ` +
      'rates per second of CPU time)',
  );
  const indexedDB = freshIndexedDb();

  // Pure CPU per message: what the new format adds (seal + keyed index terms) over what the old one did.
  const cipher = new ContentCipher(new Uint8Array(32).fill(3));
  const sample = Array.from({ length: 5_000 }, (_, i) => text(i));
  let tokens = 0;
  let terms = 0;
  const tokenizeMs = await timed(async () => sample.forEach((t) => (tokens += tokenize(t).length)));
  const sealedMs = await timed(async () =>
    sample.forEach((t) => {
      cipher.sealText(t);
      terms += cipher.indexTerms(t).length;
    }),
  );
  const sealedTexts = sample.map((t) => cipher.sealText(t));
  const openMs = await timed(async () => sealedTexts.forEach((s) => cipher.openText(s)));
  line(
    `CPU per message (12 words): tokenize ${((tokenizeMs * 1000) / sample.length).toFixed(1)} µs; ` +
      `seal + keyed terms ${((sealedMs * 1000) / sample.length).toFixed(1)} µs; open ${((openMs * 1000) / sample.length).toFixed(1)} µs`,
  );
  line(
    `index entries per message: ${(tokens / sample.length).toFixed(1)} plain tokens → ${(terms / sample.length).toFixed(1)} keyed terms (whole words and their 3/5/8-character prefixes)`,
  );

  // One message per transaction, alternating the two formats in rounds so load drifts hit both alike.
  const sealed = await openSealed(indexedDB, 'sealed');
  (await openSealed(indexedDB, 'plain')).close();
  const plain = await openRaw(indexedDB, 'plain');
  let sealedInsert = 0;
  let plainInsert = 0;
  for (let round = 0; round < 4; round++) {
    const from = (round * SINGLE) / 4;
    const batch = Array.from({ length: SINGLE / 4 }, (_, i) => messageAt(from + i));
    sealedInsert += await timed(async () => {
      for (const message of batch) await sealed.messages.insert(message);
    });
    plainInsert += await timed(async () => {
      for (const message of batch) await insertPlain(plain, [message]);
    });
  }
  line(
    `insert, one per transaction (${count(SINGLE)}): sealed ${count((SINGLE * 1000) / sealedInsert)}/s, ` +
      `clear ${count((SINGLE * 1000) / plainInsert)}/s → ${ratio(plainInsert, sealedInsert)} the clear rate`,
  );

  const bulk = Array.from({ length: BULK }, (_, i) => messageAt(SINGLE + i));
  const sealedBulk = await timed(() => sealed.messages.insertMany(bulk));
  const plainBulk = await timed(async () => {
    for (let i = 0; i < bulk.length; i += 500) await insertPlain(plain, bulk.slice(i, i + 500));
  });
  line(
    `insertMany (${count(BULK)}): sealed ${count((BULK * 1000) / sealedBulk)}/s, clear ${count((BULK * 1000) / plainBulk)}/s → ${ratio(plainBulk, sealedBulk)}`,
  );

  let sealedHits = 0;
  let plainHits = 0;
  const sealedSearch = await timed(async () => {
    for (const query of QUERIES) sealedHits += (await sealed.messages.search(query)).length;
  });
  const plainSearch = await timed(async () => {
    for (const query of QUERIES) plainHits += (await searchPlain(plain, query)).length;
  });
  line(
    `search over ${count(SINGLE + BULK)} messages (${SEARCHES} prefix queries, top 50): sealed ${(sealedSearch / SEARCHES).toFixed(1)} ms, ` +
      `clear ${(plainSearch / SEARCHES).toFixed(1)} ms per query → ${ratio(sealedSearch, plainSearch)} the time (hits ${count(sealedHits)} / ${count(plainHits)})`,
  );

  const sealedPage = await timed(async () => {
    for (let i = 0; i < 100; i++) await sealed.messages.page('conv-1');
  });
  const plainPage = await timed(async () => {
    for (let i = 0; i < 100; i++) await pagePlain(plain);
  });
  line(
    `latest 50 of ${count(SINGLE + BULK)}: sealed ${(sealedPage / 100).toFixed(2)} ms, clear ${(plainPage / 100).toFixed(2)} ms → ${ratio(sealedPage, plainPage)} the time`,
  );
  sealed.close();

  // Migration 005's data step over the clear database: mark it and reopen.
  await plain.put('meta', { key: META_RESEAL_PENDING, value: true });
  plain.close();
  const migrateMs = await timed(async () => (await openSealed(indexedDB, 'plain')).close());
  line(
    `migration 005 re-encrypting ${count(SINGLE + BULK)} messages in place: ${(migrateMs / 1000).toFixed(2)} s (${count(((SINGLE + BULK) * 1000) / migrateMs)}/s); ` +
      `compare the clear bulk insert above: ${ratio(migrateMs, plainBulk)} its time`,
  );
}

runIfMain(import.meta.url, main);
