import { describe, expect, it } from 'vitest';
import { nodeNativeBackend } from '../backend/native.node.js';
import { tweetnaclBackend } from '../backend/tweetnacl.js';
import { generateIdentity } from '../identity/identity.js';
import { markVerified } from '../identity/trust.js';
import { makeParty } from '../testing/parties.js';
import { formatSafetyNumber, matchesScannedQr, safetyNumber } from './safety-number.js';

describe('safety numbers', () => {
  it('shows the same 60 digits on both sides and the QR codes match each other', () => {
    const alice = generateIdentity();
    const bob = generateIdentity();
    const onAlice = safetyNumber(alice.identityKey, bob.identityKey);
    const onBob = safetyNumber(bob.identityKey, alice.identityKey, { backend: nodeNativeBackend });
    expect(onAlice.digits).toMatch(/^\d{60}$/);
    expect(onAlice.digits).toBe(onBob.digits);
    expect(formatSafetyNumber(onAlice).split(' ')).toHaveLength(12);
    expect(matchesScannedQr(onAlice, onBob.qrPayload)).toBe(true);
    expect(matchesScannedQr(onBob, onAlice.qrPayload)).toBe(true);
    expect(matchesScannedQr(onAlice, onAlice.qrPayload)).toBe(false);
  });

  it('changes when either identity key changes', () => {
    const [alice, bob, other] = [generateIdentity(), generateIdentity(), generateIdentity()];
    const base = safetyNumber(alice.identityKey, bob.identityKey, { backend: tweetnaclBackend }).digits;
    expect(safetyNumber(alice.identityKey, other.identityKey).digits).not.toBe(base);
    expect(safetyNumber(other.identityKey, bob.identityKey).digits).not.toBe(base);
    const reinstalledBob = safetyNumber(bob.identityKey, other.identityKey);
    expect(matchesScannedQr(reinstalledBob, safetyNumber(alice.identityKey, bob.identityKey).qrPayload)).toBe(
      false,
    );
  });

  it('warns when the key of a verified contact changes instead of silently starting a session', async () => {
    const alice = makeParty({ backend: nodeNativeBackend });
    const bob = makeParty({ backend: nodeNativeBackend });
    await markVerified(alice.identities, bob.address.name, bob.identity.identityKey, 0);
    await alice.cipher.initiate(bob.address, bob.fetchBundle());
    const bobReinstalled = makeParty({ backend: nodeNativeBackend });
    await expect(alice.cipher.initiate(bob.address, bobReinstalled.fetchBundle())).rejects.toThrow(
      expect.objectContaining({ code: 'UNTRUSTED_IDENTITY' }),
    );
    expect((await alice.identities.getTrusted(bob.address.name))?.verified).toBe(true);
  });
});
