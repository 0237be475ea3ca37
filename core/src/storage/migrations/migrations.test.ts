import { describe, expect, it } from 'vitest';
import { generateIdentity, identityString, serializeIdentity } from '../../crypto/index.js';
import { openClientDatabase } from '../client-database.js';
import { openIndexedDb, type IndexedDbFactory, type ParleyDb } from '../idb-environment.js';
import { createSecretboxKeyWrapper } from '../key-wrapper.js';
import { sortKeyOf } from '../ordering.js';
import { SCHEMA_VERSION, STORE_NAMES } from '../schema.js';
import { freshIndexedDb } from '../testing/fake-indexeddb.js';
import { TEST_WRAPPING_KEY, message } from '../testing/fixtures.js';
import { MIGRATIONS, migrate } from './index.js';

const keyWrapper = createSecretboxKeyWrapper(TEST_WRAPPING_KEY);

/** Opens `name` at `version` running only the migrations up to it, as an older release of the app would. */
function openAtVersion(indexedDB: IndexedDbFactory, name: string, version: number): Promise<ParleyDb> {
  return openIndexedDb(indexedDB, name, version, (db, oldVersion, tx) =>
    migrate(db, oldVersion, version, tx),
  );
}

function describeSchema(db: ParleyDb): Record<string, string[]> {
  const names = [...(db.objectStoreNames as unknown as Iterable<string>)].sort();
  const tx = db.transaction(names as never, 'readonly');
  const schema: Record<string, string[]> = {};
  for (const name of names) {
    schema[name] = [...(tx.objectStore(name as never).indexNames as unknown as Iterable<string>)].sort();
  }
  return schema;
}

describe('schema migrations', () => {
  it('has one migration per schema version', () => {
    expect(MIGRATIONS).toHaveLength(SCHEMA_VERSION);
  });

  it('creates every store and index from an empty database', async () => {
    const indexedDB = freshIndexedDb();
    (await openClientDatabase({ indexedDB, name: 'fresh', keyWrapper })).close();
    const db = await openAtVersion(indexedDB, 'fresh', SCHEMA_VERSION);
    expect(db.version).toBe(SCHEMA_VERSION);
    expect(describeSchema(db)).toEqual({
      attachments: ['byMessage'],
      contacts: [],
      conversations: ['byLastActivity'],
      deviceLists: [],
      engineState: [],
      identity: [],
      messages: ['byConversationOrder'],
      meta: [],
      outbox: ['byMessage', 'byNextAttemptAt'],
      preKeys: [],
      searchTokens: ['byToken'],
      senderKeys: ['byGroup'],
      sessions: ['byName'],
      trustedIdentities: [],
    });
    expect(Object.keys(describeSchema(db)).sort()).toEqual([...STORE_NAMES].sort());
    db.close();
  });

  it('upgrades version 1 data to the latest version, indexing old messages for search', async () => {
    const indexedDB = freshIndexedDb();
    const v1 = await openAtVersion(indexedDB, 'old', 1);
    expect(v1.objectStoreNames.contains('searchTokens')).toBe(false);
    const old = [
      message({ id: 'm1', sentAt: 1, text: 'Written before search existed' }),
      message({ id: 'm2', sentAt: 2, text: 'Also old, also searchable' }),
    ];
    const tx = v1.transaction('messages', 'readwrite');
    for (const m of old) await tx.store.put({ ...m, sortKey: sortKeyOf(m) });
    await tx.done;
    v1.close();

    const db = await openClientDatabase({ indexedDB, name: 'old', keyWrapper });
    expect(db.version).toBe(SCHEMA_VERSION);
    expect((await db.messages.search('search')).map((m) => m.id)).toEqual(['m2', 'm1']);
    expect((await db.messages.search('old also')).map((m) => m.id)).toEqual(['m2']);
    expect((await db.messages.page('conv-1')).messages.map((m) => m.text)).toEqual(
      old.map((m) => m.text).reverse(),
    );
    db.close();
  });

  it('keeps the identity, trust and sessions of a version 5 database, with no device lists yet', async () => {
    const indexedDB = freshIndexedDb();
    const v5 = await openAtVersion(indexedDB, 'linked', 5);
    expect(v5.objectStoreNames.contains('deviceLists')).toBe(false);
    const me = generateIdentity();
    const peer = generateIdentity();
    const peerName = identityString(peer.identityKey);
    const wrap = async (text: string) => keyWrapper.wrap(new TextEncoder().encode(text));
    const tx = v5.transaction(['identity', 'trustedIdentities', 'sessions'], 'readwrite');
    const secret = await wrap(JSON.stringify(serializeIdentity(me)));
    const record = await wrap('{"version":1,"current":null,"previous":[]}');
    await tx.objectStore('identity').put({ slot: 'self', deviceId: 1, createdAt: 1, secret });
    await tx
      .objectStore('trustedIdentities')
      .put({ name: peerName, identityKey: peer.identityKey, verified: true, firstSeen: 2 });
    await tx.objectStore('sessions').put({ name: peerName, deviceId: 1, record, updatedAt: 3 });
    await tx.done;
    v5.close();

    const db = await openClientDatabase({ indexedDB, name: 'linked', keyWrapper });
    expect(db.version).toBe(SCHEMA_VERSION);
    // Today's account is the primary of its account: same account string, same trust, same sessions.
    expect((await db.identities.getLocalDevice())?.address).toEqual({
      name: identityString(me.identityKey),
      deviceId: 1,
    });
    expect(await db.identities.getTrusted(peerName)).toMatchObject({ verified: true, firstSeen: 2 });
    expect(await db.sessions.loadSession({ name: peerName, deviceId: 1 })).toContain('"version":1');
    expect(await db.deviceLists.all()).toEqual([]);
    expect(await db.identities.listedDeviceKey(peerName, 2)).toBeUndefined();
    db.close();
  });

  it('leaves the database at its old version when an upgrade fails', async () => {
    const indexedDB = freshIndexedDb();
    (await openAtVersion(indexedDB, 'stuck', 1)).close();
    const failing = openIndexedDb(indexedDB, 'stuck', 2, async (db) => {
      db.createObjectStore('searchTokens' as never);
      await Promise.resolve();
      throw new Error('disk full');
    });
    await expect(failing).rejects.toMatchObject({ code: 'INTERNAL', cause: new Error('disk full') });

    const v1 = await openAtVersion(indexedDB, 'stuck', 1);
    expect(v1.objectStoreNames.contains('searchTokens')).toBe(false);
    v1.close();
    const db = await openClientDatabase({ indexedDB, name: 'stuck', keyWrapper });
    expect(db.version).toBe(SCHEMA_VERSION);
    db.close();
  });
});
