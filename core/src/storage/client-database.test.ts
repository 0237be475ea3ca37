import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateIdentity, identityString, type IdentityKeyPair } from '../crypto/identity/identity.js';
import { GroupCipher } from '../crypto/group/group-cipher.js';
import { SessionCipher } from '../crypto/session/session-cipher.js';
import { InMemorySenderKeyStore } from '../crypto/stores.js';
import type { ProtocolAddress } from '../crypto/stores.js';
import { makeParty, read, text, type Party } from '../crypto/testing/parties.js';
import { buildPreKeyBundle, generateOneTimePreKeys, generateSignedPreKey } from '../crypto/x3dh/prekeys.js';
import { isParleyError } from '../errors/index.js';
import type { ClientDatabase } from './client-database.js';
import type { IndexedDbFactory } from './idb-environment.js';
import { freshIndexedDb } from './testing/fake-indexeddb.js';
import { ALICE, BOB, message, openTestDatabase } from './testing/fixtures.js';
import type { NewMessage } from './types.js';

let indexedDB: IndexedDbFactory;
let db: ClientDatabase;
beforeEach(async () => {
  indexedDB = freshIndexedDb();
  db = await openTestDatabase(indexedDB);
});
afterEach(() => db.close());

/** Bob's device keeps its keys in the database under test; Alice is an in-memory peer from the crypto tests. */
async function setUpBobOnDatabase(): Promise<{
  alice: Party;
  bob: IdentityKeyPair;
  bobAddress: ProtocolAddress;
}> {
  const bob = generateIdentity();
  await db.identities.saveLocalIdentity(bob, 1);
  const signed = generateSignedPreKey(bob, 1);
  const oneTime = generateOneTimePreKeys(100, 2);
  await db.preKeys.storeSignedPreKey(signed);
  await db.preKeys.storeOneTimePreKeys(oneTime);
  const { oneTimePreKeys, ...bundle } = buildPreKeyBundle(bob, signed, oneTime);
  const bobAddress = { name: identityString(bob.identityKey), deviceId: 1 };
  const alice = makeParty();
  await alice.cipher.initiate(bobAddress, { ...bundle, oneTimePreKey: oneTimePreKeys[0] });
  return { alice, bob, bobAddress };
}

function incoming(from: ProtocolAddress, id: string, plaintext: Uint8Array): NewMessage {
  return message({ id, sender: from, text: read(plaintext) });
}

describe('committing an incoming message', () => {
  it('writes nothing while decrypting, then the session, spent prekey, trust and message together', async () => {
    const { alice, bobAddress } = await setUpBobOnDatabase();
    const wire = await alice.cipher.encrypt(bobAddress, text('hello Bob'));

    const stage = db.stageCrypto();
    const { plaintext } = await new SessionCipher(stage).decrypt(alice.address, wire);
    expect(await db.sessions.loadSession(alice.address)).toBeUndefined();
    expect(await db.preKeys.loadOneTimePreKey(100)).toBeDefined();
    expect(await db.identities.getTrusted(alice.address.name)).toBeUndefined();

    expect(
      await db.commitIncoming({ crypto: stage.changes(), message: incoming(alice.address, 'm1', plaintext) }),
    ).toBe('inserted');
    expect(await db.sessions.loadSession(alice.address)).toBeDefined();
    expect(await db.preKeys.loadOneTimePreKey(100)).toBeUndefined();
    expect(await db.identities.getTrusted(alice.address.name)).toMatchObject({ verified: false });
    expect((await db.messages.get('m1'))?.text).toBe('hello Bob');

    // The committed session both answers and refuses a replay of the spent message key.
    const reply = await new SessionCipher(db).encrypt(alice.address, text('hi Alice'));
    expect(read((await alice.cipher.decrypt(bobAddress, reply)).plaintext)).toBe('hi Alice');
    await expect(new SessionCipher(db.stageCrypto()).decrypt(alice.address, wire)).rejects.toSatisfy(
      (error) => isParleyError(error, 'DUPLICATE_MESSAGE'),
    );
  });

  it.each([
    ['IndexedDB cannot store the message', (m: NewMessage) => ({ ...m, extra: () => 'not cloneable' })],
    ['the message is refused before it is written', (m: NewMessage) => ({ ...m, senderCounter: -1 })],
  ])('rolls back the session update when %s, so the message can be decrypted again', async (_case, spoil) => {
    const { alice, bobAddress } = await setUpBobOnDatabase();
    const wire = await alice.cipher.encrypt(bobAddress, text('do not lose me'));

    const stage = db.stageCrypto();
    const first = await new SessionCipher(stage).decrypt(alice.address, wire);
    const broken = spoil(incoming(alice.address, 'm1', first.plaintext));
    await expect(db.commitIncoming({ crypto: stage.changes(), message: broken })).rejects.toBeDefined();

    expect(await db.sessions.loadSession(alice.address)).toBeUndefined();
    expect(await db.preKeys.loadOneTimePreKey(100)).toBeDefined();
    expect(await db.identities.getTrusted(alice.address.name)).toBeUndefined();
    expect(await db.messages.get('m1')).toBeUndefined();

    const retry = db.stageCrypto();
    const again = await new SessionCipher(retry).decrypt(alice.address, wire);
    await db.commitIncoming({
      crypto: retry.changes(),
      message: incoming(alice.address, 'm1', again.plaintext),
    });
    expect((await db.messages.get('m1'))?.text).toBe('do not lose me');
  });

  it('commits the advanced sender key of a group message with the message, or neither', async () => {
    const aliceGroup = new GroupCipher(new InMemorySenderKeyStore(), ALICE);
    await new GroupCipher(db.senderKeys, BOB).processDistribution(ALICE, await aliceGroup.distribution('g1'));
    const before = await db.senderKeys.loadSenderKey('g1', ALICE);
    const wire = await aliceGroup.encrypt('g1', text('hello group'));

    const failed = db.stageCrypto();
    await new GroupCipher(failed.senderKeys, BOB).decrypt('g1', ALICE, wire);
    const broken = { ...message({ id: 'g-m1', conversationId: 'g1' }), extra: () => 'not cloneable' };
    await expect(db.commitIncoming({ crypto: failed.changes(), message: broken })).rejects.toBeDefined();
    expect(await db.senderKeys.loadSenderKey('g1', ALICE)).toBe(before);

    const stage = db.stageCrypto();
    const plaintext = await new GroupCipher(stage.senderKeys, BOB).decrypt('g1', ALICE, wire);
    await db.commitIncoming({ crypto: stage.changes(), message: incoming(ALICE, 'g-m1', plaintext) });
    expect(await db.senderKeys.loadSenderKey('g1', ALICE)).not.toBe(before);
    await expect(new GroupCipher(db.senderKeys, BOB).decrypt('g1', ALICE, wire)).rejects.toBeDefined();
  });

  it('still commits the session for a message it already has, and says so', async () => {
    await db.messages.insert(message({ id: 'm1' }));
    const crypto = {
      sessions: [{ address: BOB, record: '{"advanced":true}' }],
      removedOneTimePreKeys: [],
      trusted: [],
    };
    expect(await db.commitIncoming({ crypto, message: message({ id: 'm1' }) })).toBe('duplicate');
    expect(await db.sessions.loadSession(BOB)).toBe('{"advanced":true}');
  });

  it("writes each new message's engine state with it, never a duplicate's, and neither if it fails", async () => {
    const crypto = { sessions: [], removedOneTimePreKeys: [], trusted: [] };
    await db.messages.insert(message({ id: 'seen' }));
    await db.engineState.put('file:seen', { state: 'complete' });
    const results = await db.commitIncomingBatch({
      crypto,
      messages: [message({ id: 'seen' }), message({ id: 'new' })],
      withEach: [[{ key: 'file:seen', value: { state: 'transferring' } }], [{ key: 'file:new', value: 1 }]],
    });
    expect(results).toEqual(['duplicate', 'inserted']);
    expect(await db.engineState.get('file:seen')).toEqual({ state: 'complete' });
    expect(await db.engineState.get('file:new')).toBe(1);

    const broken = { ...message({ id: 'broken' }), extra: () => 'not cloneable' };
    await expect(
      db.commitIncomingBatch({ crypto, messages: [broken], withEach: [[{ key: 'file:broken', value: 1 }]] }),
    ).rejects.toBeDefined();
    expect(await db.engineState.get('file:broken')).toBeUndefined();
  });
});

describe('the outbox', () => {
  const entry = (id: string, recipient: ProtocolAddress = BOB) => ({
    id,
    messageId: 'm1',
    conversationId: 'conv-1',
    recipient,
    payload: text(`payload ${id}`),
  });

  it('survives closing and reopening the database', async () => {
    await db.commitOutgoing({
      message: message({ id: 'm1', direction: 'outgoing', state: 'pending' }),
      outbox: [entry('m1/bob.1'), entry('m1/bob.2', { ...BOB, deviceId: 2 })],
    });
    db.close();
    db = await openTestDatabase(indexedDB);
    const due = await db.outbox.due(1_700_000_000_000);
    expect(due.map((e) => e.id).sort()).toEqual(['m1/bob.1', 'm1/bob.2']);
    expect(due[0]).toMatchObject({ state: 'pending', attempts: 0 });
    expect(read(due[0]?.payload ?? new Uint8Array())).toMatch(/^payload m1\/bob\./);
    expect((await db.messages.get('m1'))?.state).toBe('pending');
  });

  it('writes an outgoing message and its entries once, however often it is committed', async () => {
    const commit = { message: message({ id: 'm1', direction: 'outgoing' as const }), outbox: [entry('e1')] };
    expect(await db.commitOutgoing(commit)).toBe('inserted');
    expect(await db.commitOutgoing(commit)).toBe('duplicate');
    expect(await db.outbox.enqueue(entry('e1'))).toBe('duplicate');
    expect(await db.outbox.forMessage('m1')).toHaveLength(1);
  });

  it('schedules retries, and leaves the due list once sent or failed', async () => {
    const now = 1_700_000_000_000;
    await db.outbox.enqueue(entry('e1'));
    await db.outbox.enqueue({ ...entry('e2'), notBefore: now + 60_000 });
    expect((await db.outbox.due(now)).map((e) => e.id)).toEqual(['e1']);

    const retried = await db.outbox.markAttempt('e1', {
      result: 'retry',
      nextAttemptAt: now + 5_000,
      error: 'offline',
    });
    expect(retried).toMatchObject({
      attempts: 1,
      lastAttemptAt: now,
      nextAttemptAt: now + 5_000,
      lastError: 'offline',
    });
    expect(await db.outbox.due(now)).toEqual([]);
    expect((await db.outbox.due(now + 60_000)).map((e) => e.id)).toEqual(['e1', 'e2']);

    await db.outbox.markAttempt('e1', { result: 'sent' });
    await db.outbox.markAttempt('e2', { result: 'failed', error: 'peer unknown' });
    expect(await db.outbox.due(Number.MAX_SAFE_INTEGER)).toEqual([]);
    expect(await db.outbox.get('e1')).toMatchObject({ state: 'sent', attempts: 2 });
    expect((await db.outbox.get('e1'))?.nextAttemptAt).toBeUndefined();

    expect((await db.outbox.setState('e1', 'delivered')).state).toBe('delivered');
    expect((await db.outbox.setState('e2', 'pending')).nextAttemptAt).toBe(now);
    expect((await db.outbox.due(now)).map((e) => e.id)).toEqual(['e2']);

    await db.outbox.remove('e1');
    expect(await db.outbox.get('e1')).toBeUndefined();
    await expect(db.outbox.markAttempt('e1', { result: 'sent' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('contacts, conversations and attachments', () => {
  it('lists conversations by most recent activity', async () => {
    for (const [id, lastActivity] of [
      ['a', 3],
      ['b', 9],
      ['c', 5],
    ] as const) {
      await db.conversations.put({
        id,
        kind: 'direct',
        title: id,
        members: [],
        lastActivity,
        unreadCount: 0,
        archived: false,
      });
    }
    expect((await db.conversations.listRecent()).map((c) => c.id)).toEqual(['b', 'c', 'a']);
    expect((await db.conversations.listRecent(2)).map((c) => c.id)).toEqual(['b', 'c']);
    await db.conversations.remove('b');
    expect((await db.conversations.listRecent()).map((c) => c.id)).toEqual(['c', 'a']);
  });

  it('keeps contacts with their devices', async () => {
    await db.contacts.put({
      account: BOB.name,
      displayName: 'Bob',
      deviceIds: [1, 2],
      addedAt: 5,
      blocked: false,
    });
    expect(await db.contacts.get(BOB.name)).toMatchObject({ displayName: 'Bob', deviceIds: [1, 2] });
    expect(await db.contacts.list()).toHaveLength(1);
    await db.contacts.remove(BOB.name);
    expect(await db.contacts.get(BOB.name)).toBeUndefined();
  });

  it('keeps attachment metadata by message, with the content key wrapped at rest', async () => {
    const key = new Uint8Array(32).fill(42);
    await db.attachments.put({
      id: 'a1',
      messageId: 'm1',
      conversationId: 'conv-1',
      fileName: 'cat.png',
      mimeType: 'image/png',
      size: 1234,
      key,
      state: 'pending-upload',
    });
    expect(await db.attachments.setState('a1', 'uploaded', 'blob-9')).toBe(true);
    expect(await db.attachments.setState('missing', 'uploaded')).toBe(false);
    const [stored] = await db.attachments.forMessage('m1');
    expect(stored).toMatchObject({ state: 'uploaded', blobId: 'blob-9', key });
    const { readRawStore } = await import('./testing/raw.js');
    const [raw] = await readRawStore(indexedDB, 'parley-test', 'attachments');
    expect(raw?.key).not.toEqual(key);
    await db.attachments.remove('a1');
    expect(await db.attachments.get('a1')).toBeUndefined();
  });
});

describe('lifecycle', () => {
  it('refuses use after close with CLOSED, and closing twice is harmless', async () => {
    db.close();
    db.close();
    expect(db.closed).toBe(true);
    await expect(db.messages.get('m1')).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('steps aside when another window upgrades the same database', async () => {
    const { openIndexedDb } = await import('./idb-environment.js');
    const { SCHEMA_VERSION } = await import('./schema.js');
    const newer = await openIndexedDb(indexedDB, 'parley-test', SCHEMA_VERSION + 1, async () => undefined);
    expect(db.closed).toBe(true);
    await expect(db.messages.page('conv-1')).rejects.toMatchObject({ code: 'CLOSED' });
    newer.close();
  });

  it('says which IndexedDB globals are missing instead of failing deep inside idb', async () => {
    const scope = globalThis as Record<string, unknown>;
    const saved = scope['IDBKeyRange'];
    delete scope['IDBKeyRange'];
    try {
      await expect(openTestDatabase(indexedDB, 'other')).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringContaining('IDBKeyRange'),
      });
    } finally {
      scope['IDBKeyRange'] = saved;
    }
  });

  it('opens another database under another name independently', async () => {
    const other = await openTestDatabase(indexedDB, 'parley-other');
    await other.messages.insert(message({ id: 'm1' }));
    expect(await db.messages.get('m1')).toBeUndefined();
    other.close();
  });
});
