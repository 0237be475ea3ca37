import { describe, expect, it } from 'vitest';
import { makeParty, read, text } from '../testing/parties.js';
import { addressKey } from '../stores.js';
import { openSealed, sealToRecipient } from '../sealed-sender/sealed-sender.js';
import { generateIdentity } from '../identity/identity.js';

/**
 * Linked devices (docs/crypto.md "Linked devices"): a device other than the primary is trusted only when
 * the account's verified signed list names its key under its id; trust itself stays on the account key.
 */
describe('sessions with linked devices', () => {
  it("refuses a bundle of a device the account's list does not name (a relay adding a device)", async () => {
    const alice = makeParty();
    const bob = makeParty();
    const forged = makeParty();
    const bobDevice2 = { name: bob.address.name, deviceId: 2 };
    await expect(alice.cipher.initiate(bobDevice2, forged.fetchBundle())).rejects.toMatchObject({
      code: 'UNTRUSTED_IDENTITY',
    });
    // Listed under another id is not listed under this one.
    alice.identities.listed.set(
      addressKey({ name: bob.address.name, deviceId: 3 }),
      forged.identity.identityKey,
    );
    await expect(alice.cipher.initiate(bobDevice2, forged.fetchBundle())).rejects.toMatchObject({
      code: 'UNTRUSTED_IDENTITY',
    });
    expect(await alice.cipher.hasSession(bobDevice2)).toBe(false);
  });

  it("talks to a listed device both ways, and keeps trust on the account's key", async () => {
    const alice = makeParty();
    const bob = makeParty();
    // Bob's laptop: its own identity, device 2 of Bob's account.
    const laptop = makeParty({ deviceId: 2 });
    const laptopAddress = { name: bob.address.name, deviceId: 2 };
    alice.identities.listed.set(addressKey(laptopAddress), laptop.identity.identityKey);
    expect(await alice.cipher.initiate(laptopAddress, laptop.fetchBundle())).toBe('new');
    const first = await alice.cipher.encrypt(laptopAddress, text('to the laptop'));
    expect(read((await laptop.cipher.decrypt(alice.address, first)).plaintext)).toBe('to the laptop');
    // The account key is what Alice trusts (and verifies) for Bob, not the laptop's.
    expect((await alice.identities.getTrusted(bob.address.name))?.identityKey).toEqual(
      bob.identity.identityKey,
    );

    // The laptop writes first to Carol, who has Bob's list: its prekey message is accepted.
    const carol = makeParty();
    carol.identities.listed.set(addressKey(laptopAddress), laptop.identity.identityKey);
    await laptop.cipher.initiate(carol.address, carol.fetchBundle());
    const hello = await laptop.cipher.encrypt(carol.address, text('hello from a laptop'));
    const opened = await carol.cipher.decrypt(laptopAddress, hello);
    expect(read(opened.plaintext)).toBe('hello from a laptop');
    expect((await carol.identities.getTrusted(bob.address.name))?.identityKey).toEqual(
      bob.identity.identityKey,
    );
  });

  it('refuses a prekey message from a device that claims an account whose list does not name it', async () => {
    const carol = makeParty();
    const bob = makeParty();
    const mallory = makeParty();
    await mallory.cipher.initiate(carol.address, carol.fetchBundle());
    const claim = await mallory.cipher.encrypt(carol.address, text('I am Bob too'));
    await expect(carol.cipher.decrypt({ name: bob.address.name, deviceId: 2 }, claim)).rejects.toMatchObject({
      code: 'UNTRUSTED_IDENTITY',
    });
    // Nor as Bob's primary: the primary's key is the account key.
    await expect(carol.cipher.decrypt({ name: bob.address.name, deviceId: 1 }, claim)).rejects.toMatchObject({
      code: 'UNTRUSTED_IDENTITY',
    });
    expect(await carol.identities.getTrusted(bob.address.name)).toBeUndefined();
  });

  it("names a linked device's account in its sealed envelope, and a primary's own key as before", () => {
    const recipient = generateIdentity();
    const account = generateIdentity();
    const laptop = generateIdentity();
    const linked = sealToRecipient(laptop, 2, recipient.identityDhKey, text('x'), {}, account.identityKey);
    expect(linked[0]).toBe(2);
    const opened = openSealed(recipient, linked);
    expect(opened.sender.account).toEqual(account.identityKey);
    expect(opened.sender.identity.identityKey).toEqual(laptop.identityKey);
    const primary = sealToRecipient(account, 1, recipient.identityDhKey, text('y'), {}, account.identityKey);
    expect(primary[0]).toBe(1);
    expect(openSealed(recipient, primary).sender.account).toEqual(account.identityKey);
  });
});
