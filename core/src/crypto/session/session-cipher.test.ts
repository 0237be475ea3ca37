import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../protocol/encoding.js';
import { nodeNativeBackend } from '../backend/native.node.js';
import { checkTrust, markVerified } from '../identity/trust.js';
import { generateIdentity } from '../identity/identity.js';
import { makeParty, read, text } from '../testing/parties.js';
import { retireSendingChains } from './session-record.js';

const code = (c: string) => expect.objectContaining({ code: c });

describe('X3DH session set-up', () => {
  it('lets Bob, offline when Alice fetched his bundle, read her first message from it alone', async () => {
    const alice = makeParty();
    const bob = makeParty();
    expect(await alice.cipher.initiate(bob.address, bob.fetchBundle())).toBe('new');
    const first = await alice.cipher.encrypt(bob.address, text('hi Bob'));
    const got = await bob.cipher.decrypt(alice.address, first);
    expect(read(got.plaintext)).toBe('hi Bob');
    expect(got.sender.identityKey).toEqual(alice.identity.identityKey);
    expect(got.trust).toBe('new');
    expect(bob.preKeys.oneTime.has(100)).toBe(false);
    const reply = await bob.cipher.encrypt(alice.address, text('hi Alice'));
    expect(read((await alice.cipher.decrypt(bob.address, reply)).plaintext)).toBe('hi Alice');
  });

  it('falls back to no one-time prekey when the relay has none left', async () => {
    const alice = makeParty();
    const bob = makeParty({ oneTimePreKeys: 0 });
    const bundle = bob.fetchBundle();
    expect(bundle.oneTimePreKey).toBeUndefined();
    await alice.cipher.initiate(bob.address, bundle);
    const message = await alice.cipher.encrypt(bob.address, text('no OPK'));
    expect(read((await bob.cipher.decrypt(alice.address, message)).plaintext)).toBe('no OPK');
  });

  it('rejects a bundle whose signed prekey or identity signature does not verify', async () => {
    const alice = makeParty();
    const bob = makeParty();
    const mallory = generateIdentity();
    const bundle = bob.fetchBundle();
    const swappedPreKey = {
      ...bundle,
      signedPreKey: { ...bundle.signedPreKey, publicKey: toBase64Url(mallory.identityDhKey) },
    };
    await expect(alice.cipher.initiate(bob.address, swappedPreKey)).rejects.toThrow(
      code('INVALID_SIGNATURE'),
    );
    const swappedDh = { ...bundle, identityDhKey: toBase64Url(mallory.identityDhKey) };
    await expect(alice.cipher.initiate(bob.address, swappedDh)).rejects.toThrow(code('INVALID_SIGNATURE'));
    await expect(alice.cipher.initiate(bob.address, { ...bundle, identityKey: 'short' })).rejects.toThrow(
      code('BAD_BUNDLE'),
    );
    expect(await alice.cipher.hasSession(bob.address)).toBe(false);
  });

  it("refuses a relay's answer to a fetch for Bob that is Mallory's valid bundle", async () => {
    const alice = makeParty();
    const bob = makeParty();
    const mallory = makeParty();
    // Every signature in it is good: only the account it was fetched for tells it apart.
    await expect(alice.cipher.initiate(bob.address, mallory.fetchBundle())).rejects.toThrow(
      code('UNTRUSTED_IDENTITY'),
    );
    expect(await alice.cipher.hasSession(bob.address)).toBe(false);
    expect(await alice.identities.getTrusted(bob.address.name)).toBeUndefined();
  });

  it('keeps no trusted key under an account name that does not encode it', async () => {
    const alice = makeParty();
    const bob = makeParty();
    const mallory = makeParty();
    await expect(
      checkTrust(alice.identities, bob.address.name, mallory.identity.identityKey, 0),
    ).rejects.toThrow(code('UNTRUSTED_IDENTITY'));
    await expect(
      markVerified(alice.identities, bob.address.name, mallory.identity.identityKey, 0),
    ).rejects.toThrow(code('UNTRUSTED_IDENTITY'));
    expect(await checkTrust(alice.identities, bob.address.name, bob.identity.identityKey, 0)).toBe('new');
  });

  it('keeps carrying the X3DH header until Bob replies, so a lost first message orphans nothing', async () => {
    const alice = makeParty();
    const bob = makeParty();
    await alice.cipher.initiate(bob.address, bob.fetchBundle());
    await alice.cipher.encrypt(bob.address, text('lost'));
    const second = await alice.cipher.encrypt(bob.address, text('second'));
    expect(second[1]).toBe(2); // still a prekey message
    expect(read((await bob.cipher.decrypt(alice.address, second)).plaintext)).toBe('second');
    const third = await alice.cipher.encrypt(bob.address, text('third'));
    expect(read((await bob.cipher.decrypt(alice.address, third)).plaintext)).toBe('third');
    await alice.cipher.decrypt(bob.address, await bob.cipher.encrypt(alice.address, text('reply')));
    const afterReply = await alice.cipher.encrypt(bob.address, text('after'));
    expect(afterReply[1]).toBe(1); // a normal message now
    expect(read((await bob.cipher.decrypt(alice.address, afterReply)).plaintext)).toBe('after');
  });

  it('refuses a prekey message when the verified identity of the sender has changed', async () => {
    const alice = makeParty();
    const bob = makeParty();
    // A verified key kept from before (stored directly: the trust functions refuse a key not the account's).
    await bob.identities.saveTrusted(alice.address.name, {
      identityKey: generateIdentity().identityKey,
      verified: true,
      firstSeen: 0,
    });
    await alice.cipher.initiate(bob.address, bob.fetchBundle());
    const message = await alice.cipher.encrypt(bob.address, text('hi'));
    await expect(bob.cipher.decrypt(alice.address, message)).rejects.toThrow(code('UNTRUSTED_IDENTITY'));
  });

  it('reports an unverified identity change so the UI can warn', async () => {
    const alice = makeParty();
    const bob = makeParty();
    await alice.cipher.initiate(bob.address, bob.fetchBundle());
    const reinstalled = makeParty();
    await alice.identities.saveTrusted(bob.address.name, {
      identityKey: reinstalled.identity.identityKey,
      verified: false,
      firstSeen: 0,
    });
    expect(await alice.cipher.initiate(bob.address, bob.fetchBundle())).toBe('changed');
  });
});

describe('a session restored from a backup', () => {
  it('sends nothing more on the chains it had, yet still reads what was in flight', async () => {
    const alice = makeParty();
    const bob = makeParty();
    await alice.cipher.initiate(bob.address, bob.fetchBundle());
    await bob.cipher.decrypt(alice.address, await alice.cipher.encrypt(bob.address, text('hi')));
    const inFlight = await bob.cipher.encrypt(alice.address, text('still coming'));
    const stored = await alice.sessions.loadSession(bob.address);
    if (stored === undefined) throw new Error('no session');
    await alice.sessions.storeSession(bob.address, retireSendingChains(stored));
    await expect(alice.cipher.encrypt(bob.address, text('again'))).rejects.toThrow(code('SESSION_NOT_FOUND'));
    expect(read((await alice.cipher.decrypt(bob.address, inFlight)).plaintext)).toBe('still coming');
    // A fresh session from a new bundle sends again, and Bob reads it.
    await alice.cipher.initiate(bob.address, bob.fetchBundle());
    const fresh = await alice.cipher.encrypt(bob.address, text('new session'));
    expect(read((await bob.cipher.decrypt(alice.address, fresh)).plaintext)).toBe('new session');
  });
});

describe('Double Ratchet messages', () => {
  it('decrypts out-of-order delivery across several DH ratchet steps', async () => {
    const alice = makeParty();
    const bob = makeParty();
    await alice.cipher.initiate(bob.address, bob.fetchBundle());
    const a1 = await alice.cipher.encrypt(bob.address, text('a1'));
    const a2 = await alice.cipher.encrypt(bob.address, text('a2'));
    const a3 = await alice.cipher.encrypt(bob.address, text('a3'));
    expect(read((await bob.cipher.decrypt(alice.address, a3)).plaintext)).toBe('a3');
    const b1 = await bob.cipher.encrypt(alice.address, text('b1'));
    expect(read((await alice.cipher.decrypt(bob.address, b1)).plaintext)).toBe('b1');
    const a4 = await alice.cipher.encrypt(bob.address, text('a4'));
    expect(read((await bob.cipher.decrypt(alice.address, a4)).plaintext)).toBe('a4');
    expect(read((await bob.cipher.decrypt(alice.address, a1)).plaintext)).toBe('a1');
    expect(read((await bob.cipher.decrypt(alice.address, a2)).plaintext)).toBe('a2');
  });

  it('rejects a replayed ciphertext as a duplicate instead of decrypting it twice', async () => {
    const alice = makeParty();
    const bob = makeParty();
    await alice.cipher.initiate(bob.address, bob.fetchBundle());
    const first = await alice.cipher.encrypt(bob.address, text('once'));
    await bob.cipher.decrypt(alice.address, first);
    await expect(bob.cipher.decrypt(alice.address, first)).rejects.toThrow(code('DUPLICATE_MESSAGE'));
    const skippedLater = await alice.cipher.encrypt(bob.address, text('x'));
    const next = await alice.cipher.encrypt(bob.address, text('y'));
    await bob.cipher.decrypt(alice.address, next);
    await bob.cipher.decrypt(alice.address, skippedLater);
    await expect(bob.cipher.decrypt(alice.address, skippedLater)).rejects.toThrow(code('DUPLICATE_MESSAGE'));
  });

  it('rejects a message that would skip more than 1,000 keys', async () => {
    const alice = makeParty();
    const bob = makeParty({ limits: { maxSkipPerChain: 5 } });
    await alice.cipher.initiate(bob.address, bob.fetchBundle());
    for (let i = 0; i < 6; i++) await alice.cipher.encrypt(bob.address, text('dropped'));
    const far = await alice.cipher.encrypt(bob.address, text('far'));
    await expect(bob.cipher.decrypt(alice.address, far)).rejects.toThrow(code('TOO_MANY_SKIPPED'));
  });

  it('keeps at most the configured number of skipped keys, dropping the oldest', async () => {
    const alice = makeParty();
    const bob = makeParty({ limits: { maxSkippedTotal: 3 } });
    await alice.cipher.initiate(bob.address, bob.fetchBundle());
    const early = [];
    for (let i = 0; i < 4; i++) early.push(await alice.cipher.encrypt(bob.address, text(`m${i}`)));
    await bob.cipher.decrypt(alice.address, await alice.cipher.encrypt(bob.address, text('m4')));
    const [oldest, ...kept] = early;
    await expect(bob.cipher.decrypt(alice.address, oldest ?? new Uint8Array())).rejects.toThrow(
      code('DECRYPT_FAILED'),
    );
    for (const [i, message] of kept.entries()) {
      expect(read((await bob.cipher.decrypt(alice.address, message)).plaintext)).toBe(`m${i + 1}`);
    }
  });

  it('forgets skipped keys after their lifetime, by the injected clock', async () => {
    let now = 1_000;
    const alice = makeParty();
    const bob = makeParty({ now: () => now, limits: { skippedKeyLifetimeMs: 60_000 } });
    await alice.cipher.initiate(bob.address, bob.fetchBundle());
    const late = await alice.cipher.encrypt(bob.address, text('late'));
    await bob.cipher.decrypt(alice.address, await alice.cipher.encrypt(bob.address, text('on time')));
    now += 61_000;
    await expect(bob.cipher.decrypt(alice.address, late)).rejects.toThrow(code('DECRYPT_FAILED'));
  });

  it('rejects a bit flip anywhere in a message and leaves the session unchanged', async () => {
    const alice = makeParty();
    const bob = makeParty({ backend: nodeNativeBackend }); // fast verify: every flip re-checks the X3DH header
    await alice.cipher.initiate(bob.address, bob.fetchBundle());
    const message = await alice.cipher.encrypt(bob.address, text('tamper me'));
    const before = await bob.sessions.loadSession(alice.address);
    for (let byte = 0; byte < message.length; byte++) {
      const bit = byte % 8;
      const tampered = message.slice();
      tampered[byte] = (tampered[byte] ?? 0) ^ (1 << bit);
      await expect(bob.cipher.decrypt(alice.address, tampered)).rejects.toThrow();
      expect(await bob.sessions.loadSession(alice.address)).toBe(before);
    }
    await expect(
      bob.cipher.decrypt(alice.address, message.subarray(0, message.length - 1)),
    ).rejects.toThrow();
    expect(read((await bob.cipher.decrypt(alice.address, message)).plaintext)).toBe('tamper me');
    expect(bob.preKeys.oneTime.size).toBe(1);
  });

  it('restores a session from its serialised record exactly', async () => {
    const { deserializeSessionRecord, serializeSessionRecord } = await import('./session-record.js');
    const alice = makeParty();
    const bob = makeParty();
    await alice.cipher.initiate(bob.address, bob.fetchBundle());
    await alice.cipher.encrypt(bob.address, text('skipped'));
    await bob.cipher.decrypt(alice.address, await alice.cipher.encrypt(bob.address, text('x')));
    for (const party of [alice, bob]) {
      const other = party === alice ? bob : alice;
      const stored = await party.sessions.loadSession(other.address);
      expect(stored).toBeDefined();
      const record = deserializeSessionRecord(stored ?? '');
      expect(serializeSessionRecord(record)).toBe(stored);
      expect(deserializeSessionRecord(serializeSessionRecord(record))).toEqual(record);
    }
  });
});
