import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionCipher, identityString, type IdentityKeyPair } from '../../crypto/index.js';
import { makeParty, read, text } from '../../crypto/testing/parties.js';
import type { FetchedBundle, PreKeyBundle } from '../../protocol/directory.js';
import type { ClientDatabase } from '../../storage/index.js';
import { freshIndexedDb } from '../../storage/testing/fake-indexeddb.js';
import { openTestDatabase } from '../../storage/testing/fixtures.js';
import {
  currentBundle,
  currentSignedPreKey,
  loadOrCreateIdentity,
  newPreKeyBatch,
  rotateSignedPreKey,
} from './prekeys.js';

const DAY = 24 * 60 * 60_000;
const policy = { rotationMs: 7 * DAY, graceMs: 30 * DAY };

/** The bundle as the relay hands it out: the signed prekey and one one-time prekey. */
function fetched(bundle: PreKeyBundle): FetchedBundle {
  const { oneTimePreKeys, ...rest } = bundle;
  const [first] = oneTimePreKeys;
  return first === undefined ? rest : { ...rest, oneTimePreKey: first };
}

let clock: number;
let db: ClientDatabase;
let bob: IdentityKeyPair;
const crypto = { now: () => clock, randomBytes: (length: number) => new Uint8Array(length).fill(3) };

beforeEach(async () => {
  clock = 1_700_000_000_000;
  db = await openTestDatabase(freshIndexedDb(), 'bob', () => clock);
  bob = (await loadOrCreateIdentity(db, crypto)).identity;
});
afterEach(() => db.close());

/** Alice starts a session from `bundle` and sends her first (prekey) message; Bob decrypts it. */
async function firstMessageFromAlice(bundle: FetchedBundle): Promise<string> {
  const alice = makeParty();
  const bobAddress = { name: identityString(bob.identityKey), deviceId: 1 };
  await alice.cipher.initiate(bobAddress, bundle);
  const message = await alice.cipher.encrypt(bobAddress, text('hello from before the rotation'));
  const { plaintext } = await new SessionCipher(db, crypto).decrypt(alice.address, message);
  return read(plaintext);
}

describe('signed prekey rotation', () => {
  it('keeps the signed prekey until it is due, then publishes a new one', async () => {
    const first = await currentSignedPreKey(db);
    clock += 7 * DAY - 1;
    expect(await rotateSignedPreKey(db, bob, crypto, policy)).toBe(false);
    clock += 1;
    expect(await rotateSignedPreKey(db, bob, crypto, policy)).toBe(true);
    const second = await currentSignedPreKey(db);
    expect(second.keyId).toBe(first.keyId + 1);
    expect((await currentBundle(db, bob)).signedPreKey.keyId).toBe(second.keyId);
    expect(await rotateSignedPreKey(db, bob, crypto, policy)).toBe(false);
  });

  it('decrypts a session started from the old bundle during the grace period', async () => {
    const oldBundle = fetched(await newPreKeyBatch(db, bob, crypto, 2));
    clock += 8 * DAY;
    expect(await rotateSignedPreKey(db, bob, crypto, policy)).toBe(true);
    clock += 29 * DAY;
    // The sweep keeps rotating meanwhile (a third key now); the first is kept 30 days from its replacement.
    await rotateSignedPreKey(db, bob, crypto, policy);
    expect(await db.preKeys.loadSignedPreKey(oldBundle.signedPreKey.keyId)).toBeDefined();
    expect(await firstMessageFromAlice(oldBundle)).toBe('hello from before the rotation');
  });

  it('deletes the old signed prekey once the grace period is over', async () => {
    const oldBundle = fetched(await newPreKeyBatch(db, bob, crypto, 2));
    const oldId = oldBundle.signedPreKey.keyId;
    clock += 7 * DAY;
    await rotateSignedPreKey(db, bob, crypto, policy);
    clock += 30 * DAY;
    // Due again as well: the new key is 30 days old, so this makes a third and drops the first.
    expect(await rotateSignedPreKey(db, bob, crypto, policy)).toBe(true);
    expect(await db.preKeys.loadSignedPreKey(oldId)).toBeUndefined();
    expect(await db.preKeys.signedPreKeyIds()).toEqual([oldId + 1, oldId + 2]);
    await expect(firstMessageFromAlice(oldBundle)).rejects.toThrow();
  });
});
