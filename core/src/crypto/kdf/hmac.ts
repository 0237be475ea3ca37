import type { CryptoBackend } from '../backend/backend.js';

/** A Merkle–Damgård hash as HMAC needs it. SHA-512 in production; tests also plug in SHA-256 for RFC 5869. */
export interface HashFunction {
  readonly blockLength: number;
  readonly outputLength: number;
  digest(data: Uint8Array): Uint8Array;
}

export function sha512Hash(backend: CryptoBackend): HashFunction {
  return { blockLength: 128, outputLength: 64, digest: (data) => backend.sha512(data) };
}

/** HMAC (RFC 2104), written once for every KDF in Parley. */
export function hmac(hash: HashFunction, key: Uint8Array, message: Uint8Array): Uint8Array {
  const block = new Uint8Array(hash.blockLength);
  block.set(key.length > hash.blockLength ? hash.digest(key) : key);
  const inner = new Uint8Array(hash.blockLength + message.length);
  for (let i = 0; i < hash.blockLength; i++) inner[i] = (block[i] ?? 0) ^ 0x36;
  inner.set(message, hash.blockLength);
  const innerDigest = hash.digest(inner);
  const outer = new Uint8Array(hash.blockLength + hash.outputLength);
  for (let i = 0; i < hash.blockLength; i++) outer[i] = (block[i] ?? 0) ^ 0x5c;
  outer.set(innerDigest, hash.blockLength);
  return hash.digest(outer);
}
