import { generateKeyPairSync, sign } from 'node:crypto';
import { encodeSfuToken, type SfuTokenBody } from '@parley/core';

/** A stand-in for the relay's signing key: what the relay's `sfu:token` does, for SFU tests. */
export interface TestRelayKey {
  publicKey: Uint8Array;
  mint(body: Omit<SfuTokenBody, 'v'>): string;
}

export function makeRelayKey(): TestRelayKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return {
    // An Ed25519 SubjectPublicKeyInfo ends with the raw 32-byte key.
    publicKey: new Uint8Array(spki.subarray(spki.length - 32)),
    mint: (body) =>
      encodeSfuToken({ v: 1, ...body }, (message) => new Uint8Array(sign(null, message, privateKey))),
  };
}
