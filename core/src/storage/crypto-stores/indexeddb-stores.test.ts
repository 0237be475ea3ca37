import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateIdentity, identityString } from '../../crypto/identity/identity.js';
import { toBase64Url } from '../../protocol/encoding.js';
import { generateOneTimePreKeys, generateSignedPreKey } from '../../crypto/x3dh/prekeys.js';
import type { ClientDatabase } from '../client-database.js';
import type { IndexedDbFactory } from '../idb-environment.js';
import { createSecretboxKeyWrapper } from '../key-wrapper.js';
import { freshIndexedDb } from '../testing/fake-indexeddb.js';
import { ALICE, BOB, TEST_WRAPPING_KEY, openTestDatabase } from '../testing/fixtures.js';
import { readRawStore } from '../testing/raw.js';

let indexedDB: IndexedDbFactory;
let db: ClientDatabase;
beforeEach(async () => {
  indexedDB = freshIndexedDb();
  db = await openTestDatabase(indexedDB);
});
afterEach(() => db.close());

const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('the local identity', () => {
  it('round-trips through a restart, wrapped at rest', async () => {
    const identity = generateIdentity();
    await expect(db.identities.getLocalIdentity()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await db.identities.getLocalDevice()).toBeUndefined();
    await db.identities.saveLocalIdentity(identity, 3);
    db.close();
    db = await openTestDatabase(indexedDB);
    expect(await db.identities.getLocalIdentity()).toEqual(identity);
    expect(await db.identities.getLocalDevice()).toEqual({
      address: { name: identityString(identity.identityKey), deviceId: 3 },
      createdAt: 1_700_000_000_000,
    });

    const [row] = await readRawStore(indexedDB, 'parley-test', 'identity');
    const secret = toBase64Url(identity.signingSecretKey);
    expect(decode(row?.secret ?? new Uint8Array())).not.toContain(secret);
    const unwrapped = await createSecretboxKeyWrapper(TEST_WRAPPING_KEY).unwrap(
      row?.secret ?? new Uint8Array(),
    );
    expect(decode(unwrapped)).toContain(secret);
  });
});

describe('trusted identities', () => {
  it('stores the trust decision per account', async () => {
    const identityKey = new Uint8Array(32).fill(1);
    expect(await db.identities.getTrusted(BOB.name)).toBeUndefined();
    await db.identities.saveTrusted(BOB.name, { identityKey, verified: true, firstSeen: 10 });
    expect(await db.identities.getTrusted(BOB.name)).toEqual({ identityKey, verified: true, firstSeen: 10 });
  });
});

describe('sessions', () => {
  it('are kept per (account, device), wrapped, and can be listed and removed per account', async () => {
    const bob2 = { ...BOB, deviceId: 2 };
    await db.sessions.storeSession(BOB, '{"session":"bob-1"}');
    await db.sessions.storeSession(bob2, '{"session":"bob-2"}');
    await db.sessions.storeSession(ALICE, '{"session":"alice-1"}');
    expect(await db.sessions.loadSession(bob2)).toBe('{"session":"bob-2"}');
    expect(await db.sessions.deviceIds(BOB.name)).toEqual([1, 2]);

    const rows = await readRawStore(indexedDB, 'parley-test', 'sessions');
    for (const row of rows) expect(decode(row.record)).not.toContain('session');

    await db.sessions.deleteSession(BOB);
    expect(await db.sessions.loadSession(BOB)).toBeUndefined();
    await db.sessions.deleteAllSessions(BOB.name);
    expect(await db.sessions.deviceIds(BOB.name)).toEqual([]);
    expect(await db.sessions.loadSession(ALICE)).toBe('{"session":"alice-1"}');
  });
});

describe('prekeys', () => {
  it('round-trip signed and one-time prekeys and forget a used one-time prekey', async () => {
    const identity = generateIdentity();
    const signed = generateSignedPreKey(identity, 7);
    const oneTime = generateOneTimePreKeys(100, 3);
    await db.preKeys.storeSignedPreKey(signed);
    await db.preKeys.storeOneTimePreKeys(oneTime);
    expect(await db.preKeys.loadSignedPreKey(7)).toEqual(signed);
    expect(await db.preKeys.loadOneTimePreKey(101)).toEqual(oneTime[1]);
    expect(await db.preKeys.oneTimePreKeyIds()).toEqual([100, 101, 102]);

    await db.preKeys.removeOneTimePreKey(101);
    expect(await db.preKeys.loadOneTimePreKey(101)).toBeUndefined();
    expect(await db.preKeys.oneTimePreKeyIds()).toEqual([100, 102]);
    await db.preKeys.removeSignedPreKey(7);
    expect(await db.preKeys.loadSignedPreKey(7)).toBeUndefined();

    const rows = await readRawStore(indexedDB, 'parley-test', 'preKeys');
    const secret = toBase64Url(oneTime[0]?.keyPair.secretKey ?? new Uint8Array());
    for (const row of rows) expect(decode(row.record)).not.toContain(secret);
  });
});

describe('sender keys', () => {
  it('are kept per group and sender device, and dropped per group', async () => {
    await db.senderKeys.storeSenderKey('g1', ALICE, 'alice-key');
    await db.senderKeys.storeSenderKey('g1', BOB, 'bob-key');
    await db.senderKeys.storeSenderKey('g2', BOB, 'bob-key-2');
    expect(await db.senderKeys.loadSenderKey('g1', BOB)).toBe('bob-key');
    await db.senderKeys.deleteGroup('g1');
    expect(await db.senderKeys.loadSenderKey('g1', ALICE)).toBeUndefined();
    expect(await db.senderKeys.loadSenderKey('g2', BOB)).toBe('bob-key-2');
  });
});
