import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { parseIdentityString } from '@parley/core';
import { collect, scenario, startAll, until } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

describe('safety numbers and verification', () => {
  it('shows both sides the same safety number, and each side QR code matches the other', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const seenByAlice = await alice.c.contacts.safetyNumber(bob.c.account);
    const seenByBob = await bob.c.contacts.safetyNumber(alice.c.account);
    expect(seenByAlice.digits).toBe(seenByBob.digits);
    expect(seenByAlice.digits).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(seenByAlice.groups).toHaveLength(12);
    expect(await alice.c.contacts.matchesSafetyQr(bob.c.account, seenByBob.qrPayload)).toBe(true);
    expect(await alice.c.contacts.matchesSafetyQr(bob.c.account, seenByAlice.qrPayload)).toBe(false);
    await expect(alice.c.contacts.safetyNumber('not-a-contact')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("shows a verified contact whose identity key changed as 'changed' until the user verifies again", async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const events = collect(alice.c, 'verification');
    expect(await alice.c.contacts.verification(bob.c.account)).toBe('unverified');
    await alice.c.contacts.setVerified(bob.c.account, true);
    expect(await alice.c.contacts.verification(bob.c.account)).toBe('verified');

    // What the crypto layer keeps when a contact's key changes: another trusted key for that account.
    const before = await alice.c.contacts.safetyNumber(bob.c.account);
    await alice.c.db.identities.saveTrusted(bob.c.account, {
      identityKey: nacl.sign.keyPair().publicKey,
      verified: false,
      firstSeen: Date.now(),
    });
    expect(await alice.c.contacts.verification(bob.c.account)).toBe('changed');
    expect((await alice.c.contacts.safetyNumber(bob.c.account)).digits).not.toBe(before.digits);
    // A key that is not the one the account name encodes cannot be verified (issue 9, item 1).
    await expect(alice.c.contacts.setVerified(bob.c.account, true)).rejects.toMatchObject({
      code: 'UNTRUSTED_IDENTITY',
    });
    // Bob's own key again, as a session started from his bundle stores it; the user verifies it.
    await alice.c.db.identities.saveTrusted(bob.c.account, {
      identityKey: parseIdentityString(bob.c.account),
      verified: false,
      firstSeen: Date.now(),
    });

    await alice.c.contacts.setVerified(bob.c.account, true);
    expect(await alice.c.contacts.verification(bob.c.account)).toBe('verified');
    await alice.c.contacts.setVerified(bob.c.account, false);
    expect(await alice.c.contacts.verification(bob.c.account)).toBe('unverified');
    await until(() => events.length === 4, 'four verification events');
    expect(events.map((e) => e.state)).toEqual(['verified', 'changed', 'verified', 'unverified']);
    await expect(
      alice.c.contacts.setVerified(bob.c.account, 'yes' as unknown as boolean),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
