import { describe, expect, it } from 'vitest';
import { nodeNativeBackend } from '../backend/native.node.js';
import { generateIdentity } from '../identity/identity.js';
import { makeParty, read, text } from '../testing/parties.js';
import { decryptSealed, openSealed, sealToRecipient } from './sealed-sender.js';

const options = { backend: nodeNativeBackend };

describe('sealed sender', () => {
  it('carries the sender inside the encryption and the ratchet message through to the recipient', async () => {
    const alice = makeParty(options);
    const bob = makeParty(options);
    await alice.cipher.initiate(bob.address, bob.fetchBundle());
    const inner = await alice.cipher.encrypt(bob.address, text('sealed hello'));
    const envelope = sealToRecipient(
      alice.identity,
      alice.address.deviceId,
      bob.identity.identityDhKey,
      inner,
      options,
    );
    const envelopeText = Buffer.from(envelope).toString('hex');
    expect(envelopeText).not.toContain(Buffer.from(alice.identity.identityKey).toString('hex'));
    expect(envelopeText).not.toContain(Buffer.from(alice.identity.identityDhKey).toString('hex'));
    expect((envelope.length - (1 + 32 + 148 + 16)) % 256).toBe(0); // fixed header, content padded to 256
    const opened = await decryptSealed(bob.cipher, bob.identity, envelope, options);
    expect(read(opened.plaintext)).toBe('sealed hello');
    expect(opened.address).toEqual(alice.address);
  });

  it('pads content so the relay learns only a size class', () => {
    const alice = generateIdentity();
    const bob = generateIdentity();
    const short = sealToRecipient(alice, 1, bob.identityDhKey, text('a'), options);
    const longer = sealToRecipient(alice, 1, bob.identityDhKey, new Uint8Array(200), options);
    expect(short.length).toBe(longer.length);
    expect(read(openSealed(bob, short, options).content)).toBe('a');
  });

  it('rejects a bit flip anywhere in the envelope', () => {
    const alice = generateIdentity();
    const bob = generateIdentity();
    const envelope = sealToRecipient(alice, 7, bob.identityDhKey, text('x'), options);
    for (let byte = 0; byte < envelope.length; byte += 3) {
      const tampered = envelope.slice();
      tampered[byte] = (tampered[byte] ?? 0) ^ (1 << (byte % 8));
      expect(() => openSealed(bob, tampered, options)).toThrow();
    }
    expect(openSealed(bob, envelope, options).sender.deviceId).toBe(7);
  });

  it('cannot be opened by anyone but the recipient, nor forged in another identity’s name', () => {
    const [alice, bob, mallory] = [generateIdentity(), generateIdentity(), generateIdentity()];
    const envelope = sealToRecipient(alice, 1, bob.identityDhKey, text('for Bob'), options);
    expect(() => openSealed(mallory, envelope, options)).toThrow(
      expect.objectContaining({ code: 'DECRYPT_FAILED' }),
    );
    // Mallory puts Alice's public certificate in but holds only her own DH secret.
    const forger = {
      ...mallory,
      identityKey: alice.identityKey,
      identityDhKey: alice.identityDhKey,
      identityDhSignature: alice.identityDhSignature,
    };
    const forged = sealToRecipient(forger, 1, bob.identityDhKey, text('from "Alice"'), options);
    expect(() => openSealed(bob, forged, options)).toThrow(
      expect.objectContaining({ code: 'DECRYPT_FAILED' }),
    );
  });
});
