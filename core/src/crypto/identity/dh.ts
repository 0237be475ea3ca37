import { ParleyError } from '../../errors/index.js';
import type { CryptoBackend } from '../backend/backend.js';

export interface DhKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export function generateDhKeyPair(context: {
  backend: CryptoBackend;
  randomBytes: (length: number) => Uint8Array;
}): DhKeyPair {
  const secretKey = context.randomBytes(32);
  return { publicKey: context.backend.x25519Base(secretKey), secretKey };
}

/**
 * X25519. An all-zero result means the peer sent a small-order point, which would make the "shared"
 * secret public; it is refused (RFC 7748 §6.1).
 */
export function x25519(backend: CryptoBackend, secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== 32) throw new ParleyError('INVALID_KEY', 'X25519 public key must be 32 bytes');
  const shared = backend.x25519(secretKey, publicKey);
  let acc = 0;
  for (const byte of shared) acc |= byte;
  if (acc === 0) throw new ParleyError('INVALID_KEY', 'X25519 public key has small order');
  return shared;
}
