import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { verifySignature } from '@parley/core';
import { nodeNativeBackend } from '@parley/core/crypto/native';

/**
 * Native Ed25519 with tweetnacl's key formats (32-byte public keys, 32-byte seeds, 64-byte signatures).
 * tweetnacl verifies about a hundred signatures a second; OpenSSL does thousands, which the auth hot path needs.
 */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * Strict verification, so one message has exactly one valid signature encoding, as on clients: core's own
 * rules (canonical S, canonical and not small-order key and R; OpenSSL alone accepts small-order keys, for
 * which one signature fits every message) in front of OpenSSL's verify. Returns false, never throws.
 */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return verifySignature(nodeNativeBackend, message, signature, publicKey);
}

export interface Ed25519Signer {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** A signer from a 32-byte seed, the same seed tweetnacl's `sign.keyPair.fromSeed` takes. */
export function ed25519SignerFromSeed(seed: Uint8Array): Ed25519Signer {
  if (seed.length !== 32) throw new RangeError('Ed25519 seed must be 32 bytes');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  // An Ed25519 SubjectPublicKeyInfo ends with the raw 32-byte key.
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32));
  return {
    publicKey,
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
  };
}
