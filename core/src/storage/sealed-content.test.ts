import { afterEach, describe, expect, it } from 'vitest';
import { utf8 } from '../protocol/encoding.js';
import { openClientDatabase, type ClientDatabase } from './client-database.js';
import { openIndexedDb, type IndexedDbFactory, type ParleyDb } from './idb-environment.js';
import { createSecretboxKeyWrapper } from './key-wrapper.js';
import { META_RESEAL_PENDING } from './migrations/005-sealed-content.js';
import { migrate } from './migrations/index.js';
import { sortKeyOf } from './ordering.js';
import { SCHEMA_VERSION, STORE_NAMES } from './schema.js';
import { freshIndexedDb } from './testing/fake-indexeddb.js';
import { BOB, TEST_WRAPPING_KEY, message } from './testing/fixtures.js';
import { tokenize } from './tokenize.js';

const keyWrapper = createSecretboxKeyWrapper(TEST_WRAPPING_KEY);
const opened: ClientDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

async function open(indexedDB: IndexedDbFactory, name = 'sealed'): Promise<ClientDatabase> {
  const db = await openClientDatabase({ indexedDB, name, keyWrapper, now: () => 1_700_000_000_000 });
  opened.push(db);
  return db;
}

function openAtVersion(indexedDB: IndexedDbFactory, name: string, version: number): Promise<ParleyDb> {
  return openIndexedDb(indexedDB, name, version, (db, oldVersion, tx) =>
    migrate(db, oldVersion, version, tx),
  );
}

/**
 * Every record of every store, as one string an attacker with the files would grep: strings as they are,
 * byte arrays decoded as UTF-8 (so words inside a stored JSON payload show up too).
 */
async function everythingOnDisk(indexedDB: IndexedDbFactory, name: string): Promise<string> {
  const db = await openAtVersion(indexedDB, name, SCHEMA_VERSION);
  const parts: string[] = [];
  const visit = (value: unknown): void => {
    if (value instanceof Uint8Array) parts.push(new TextDecoder().decode(value));
    else if (typeof value === 'string') parts.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object')
      Object.entries(value).forEach(([k, v]) => (parts.push(k), visit(v)));
    else parts.push(String(value));
  };
  try {
    for (const store of STORE_NAMES) visit(await db.getAll(store));
  } finally {
    db.close();
  }
  return parts.join('\n').toLowerCase();
}

const SECRET_WORDS = ['lighthouse', 'lightho', 'tomorrow', 'tomor', 'harbour', 'harb', 'pelican', 'zanzibar'];

describe('message content at rest', () => {
  it('stores no word of a message, an edit, a file caption or an outbox payload in clear, and still finds them', async () => {
    const indexedDB = freshIndexedDb();
    const db = await open(indexedDB);
    await db.commitOutgoing({
      message: message({
        id: 'out1',
        direction: 'outgoing',
        state: 'pending',
        text: 'Meet me at the lighthouse tomorrow',
      }),
      outbox: [
        {
          id: 'e1',
          messageId: 'out1',
          conversationId: 'conv-1',
          recipient: BOB,
          payload: utf8(
            JSON.stringify({ body: { type: 'text', text: 'Meet me at the lighthouse tomorrow' } }),
          ),
        },
      ],
    });
    await db.messages.insert(message({ id: 'in1', sentAt: 1_700_000_000_001, text: 'harbour.jpg' }));
    await db.messages.insert(
      message({ id: 'in2', sentAt: 1_700_000_000_002, text: 'the pelican has landed' }),
    );
    await db.messages.edit('in2', 'the pelican flew to Zanzibar', 1_700_000_000_003);
    await db.attachments.put({
      id: 'a1',
      messageId: 'in1',
      conversationId: 'conv-1',
      fileName: 'harbour at Zanzibar.jpg',
      mimeType: 'image/jpeg',
      size: 10,
      key: new Uint8Array(32).fill(4),
      state: 'downloaded',
    });

    const disk = await everythingOnDisk(indexedDB, 'sealed');
    for (const word of SECRET_WORDS) expect(disk).not.toContain(word);
    // Not even a hashed form that equals the word: the index holds keyed hashes only.
    expect(disk).not.toContain('landed');

    expect((await db.messages.search('lighth')).map((m) => m.id)).toEqual(['out1']);
    expect((await db.messages.search('TOMORROW light')).map((m) => m.id)).toEqual(['out1']);
    expect((await db.messages.search('harb')).map((m) => m.id)).toEqual(['in1']);
    expect((await db.messages.search('zanzibar')).map((m) => m.id)).toEqual(['in2']);
    // The edit replaced the old words in the index too.
    expect(await db.messages.search('landed')).toEqual([]);
    expect((await db.messages.page('conv-1')).messages.map((m) => m.text)).toEqual([
      'the pelican flew to Zanzibar',
      'harbour.jpg',
      'Meet me at the lighthouse tomorrow',
    ]);
    expect((await db.attachments.get('a1'))?.fileName).toBe('harbour at Zanzibar.jpg');
    const [entry] = await db.outbox.forMessage('out1');
    expect(new TextDecoder().decode(entry?.payload)).toContain('lighthouse tomorrow');

    // After a restart the same content key comes back from meta, and with it the same index hashes.
    db.close();
    const reopened = await open(indexedDB);
    expect((await reopened.messages.search('lighthouse')).map((m) => m.id)).toEqual(['out1']);
    expect((await reopened.messages.get('in2'))?.text).toBe('the pelican flew to Zanzibar');
  });

  it('keeps prefix search for terms of three characters or more, and whole-word search for shorter ones', async () => {
    const db = await open(freshIndexedDb());
    await db.messages.insertMany([
      message({ id: 'm1', sentAt: 1, text: 'internationalisation is hard' }),
      message({ id: 'm2', sentAt: 2, text: 'internationalization, with a z' }),
      message({ id: 'm3', sentAt: 3, text: 'a b c' }),
    ]);
    expect((await db.messages.search('int')).map((m) => m.id)).toEqual(['m2', 'm1']);
    expect((await db.messages.search('interna')).map((m) => m.id)).toEqual(['m2', 'm1']);
    // Between or past the indexed prefix lengths: the longest indexed prefix finds both, the text decides.
    expect((await db.messages.search('internationalis')).map((m) => m.id)).toEqual(['m1']);
    expect((await db.messages.search('internationalisation')).map((m) => m.id)).toEqual(['m1']);
    expect((await db.messages.search('internationalizati')).map((m) => m.id)).toEqual(['m2']);
    // One or two characters: whole words only.
    expect((await db.messages.search('a')).map((m) => m.id)).toEqual(['m3', 'm2']);
    expect((await db.messages.search('is')).map((m) => m.id)).toEqual(['m1']);
    expect(await db.messages.search('in')).toEqual([]);
    // Scripts without spaces: a token is a phrase, and its first characters are a word.
    await db.messages.insert(message({ id: 'm4', sentAt: 4, text: '明天会议室见' }));
    expect((await db.messages.search('明天')).map((m) => m.id)).toEqual(['m4']);
    expect((await db.messages.search('明')).map((m) => m.id)).toEqual(['m4']);
    expect((await db.messages.search('明天会议室见')).map((m) => m.id)).toEqual(['m4']);
    expect(await db.messages.search('会议')).toEqual([]);
  });

  it('does not open under another database key', async () => {
    const indexedDB = freshIndexedDb();
    (await open(indexedDB)).close();
    await expect(
      openClientDatabase({
        indexedDB,
        name: 'sealed',
        keyWrapper: createSecretboxKeyWrapper(new Uint8Array(32).fill(1)),
      }),
    ).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
  });
});

describe('migration 005', () => {
  it('re-encrypts the messages, search tokens and outbox of a version 3 database in place', async () => {
    const indexedDB = freshIndexedDb();
    // A database as the previous release left it: opened by that release (identity check, key wrapper), then
    // written with clear text, plain tokens and a clear outbox payload.
    const v3 = await openAtVersion(indexedDB, 'old', 3);
    const old = [
      message({ id: 'm1', sentAt: 1, text: 'Zanzibar ferry at dawn' }),
      message({ id: 'm2', sentAt: 2, text: 'the pelican knows' }),
    ];
    const tx = v3.transaction(['messages', 'searchTokens', 'outbox', 'attachments'], 'readwrite');
    for (const m of old) {
      await tx.objectStore('messages').put({ ...m, sortKey: sortKeyOf(m) });
      await tx
        .objectStore('searchTokens')
        .put({ messageId: m.id, conversationId: m.conversationId, tokens: tokenize(m.text) });
    }
    await tx.objectStore('outbox').put({
      id: 'e1',
      messageId: 'm2',
      conversationId: 'conv-1',
      recipient: BOB,
      payload: utf8('{"text":"the pelican knows"}'),
      state: 'pending',
      attempts: 0,
      nextAttemptAt: 5,
      createdAt: 5,
    });
    await tx.objectStore('attachments').put({
      id: 'a1',
      messageId: 'm1',
      conversationId: 'conv-1',
      fileName: 'ferry-timetable.pdf',
      mimeType: 'application/pdf',
      size: 10,
      key: await keyWrapper.wrap(new Uint8Array(32).fill(4)),
      state: 'downloaded',
    });
    await tx.done;
    v3.close();
    const before = await openAtVersion(indexedDB, 'old', 3);
    expect((await before.getAll('searchTokens')).flatMap((row) => row.tokens)).toContain('zanzibar');
    before.close();

    const db = await open(indexedDB, 'old');
    expect(db.version).toBe(SCHEMA_VERSION);
    const disk = await everythingOnDisk(indexedDB, 'old');
    for (const word of ['zanzibar', 'ferry', 'dawn', 'pelican', 'knows', 'timetable'])
      expect(disk).not.toContain(word);
    expect((await db.attachments.get('a1'))?.fileName).toBe('ferry-timetable.pdf');
    expect((await db.messages.search('zanz fer')).map((m) => m.id)).toEqual(['m1']);
    expect((await db.messages.search('pelican')).map((m) => m.id)).toEqual(['m2']);
    expect((await db.messages.page('conv-1')).messages.map((m) => m.text)).toEqual([
      'the pelican knows',
      'Zanzibar ferry at dawn',
    ]);
    expect(new TextDecoder().decode((await db.outbox.due(10))[0]?.payload)).toBe(
      '{"text":"the pelican knows"}',
    );
  });

  it('finishes an interrupted re-encryption on the next open', async () => {
    const indexedDB = freshIndexedDb();
    (await open(indexedDB, 'half')).close();
    // As if the app stopped after the schema step: a clear row still there, and the mark set.
    const raw = await openAtVersion(indexedDB, 'half', SCHEMA_VERSION);
    const left = message({ id: 'late', text: 'still in clear: pelican' });
    await raw.put('messages', { ...left, sortKey: sortKeyOf(left) });
    await raw.put('meta', { key: META_RESEAL_PENDING, value: true });
    raw.close();

    const db = await open(indexedDB, 'half');
    expect(await everythingOnDisk(indexedDB, 'half')).not.toContain('pelican');
    expect((await db.messages.search('pelic')).map((m) => m.id)).toEqual(['late']);
    expect((await db.messages.get('late'))?.text).toBe('still in clear: pelican');
  });
});
