import { ParleyError } from '../../errors/index.js';
import { hmac, type HashFunction } from './hmac.js';

/** HKDF-Extract (RFC 5869 §2.2). An empty salt means a block of zeros of the hash's output length. */
export function hkdfExtract(hash: HashFunction, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return hmac(hash, salt.length === 0 ? new Uint8Array(hash.outputLength) : salt, ikm);
}

/** HKDF-Expand (RFC 5869 §2.3). */
export function hkdfExpand(
  hash: HashFunction,
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  const blocks = Math.ceil(length / hash.outputLength);
  if (blocks > 255) throw new ParleyError('INVALID_KEY', 'HKDF output too long');
  const out = new Uint8Array(blocks * hash.outputLength);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < blocks; i++) {
    const input = new Uint8Array(previous.length + info.length + 1);
    input.set(previous);
    input.set(info, previous.length);
    input[input.length - 1] = i + 1;
    previous = hmac(hash, prk, input);
    out.set(previous, i * hash.outputLength);
  }
  return out.subarray(0, length);
}

export function hkdf(
  hash: HashFunction,
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  return hkdfExpand(hash, hkdfExtract(hash, salt, ikm), info, length);
}
