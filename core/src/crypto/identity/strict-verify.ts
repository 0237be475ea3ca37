import { ParleyError } from '../../errors/index.js';
import type { CryptoBackend } from '../backend/backend.js';

/** The order of Ed25519's prime-order subgroup (RFC 8032 §5.1). */
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const P = (1n << 255n) - 19n;

/**
 * y-coordinates (sign bit cleared) of the eight points of small order: the identity (1), order 2 (p−1),
 * order 4 (0), and the two order-8 values (libsodium's blocklist). A key among them lets one signature
 * verify for every message, so strict verification refuses them.
 */
const SMALL_ORDER_Y = new Set<bigint>([
  0n,
  1n,
  P - 1n,
  0x05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826n,
  P - 0x05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826n,
]);

function littleEndian(bytes: Uint8Array, clearTopBit: boolean): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) {
    const byte = i === bytes.length - 1 && clearTopBit ? (bytes[i] ?? 0) & 0x7f : (bytes[i] ?? 0);
    value = (value << 8n) | BigInt(byte);
  }
  return value;
}

/** S < L (RFC 8032 §5.1.7). tweetnacl skips this check, so S + L would verify too. */
export function isCanonicalSignature(signature: Uint8Array): boolean {
  return signature.length === 64 && littleEndian(signature.subarray(32), false) < L;
}

/** A canonical encoding (y < p) of a point that is not of small order. */
export function isStrictPublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32) return false;
  const y = littleEndian(publicKey, true);
  return y < P && !SMALL_ORDER_Y.has(y);
}

/**
 * Ed25519 verification under which a message has exactly one valid signature encoding per key: the
 * encoding rules are checked here, then the backend does the curve arithmetic.
 */
export function verifySignature(
  backend: CryptoBackend,
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  if (!isCanonicalSignature(signature) || !isStrictPublicKey(publicKey)) return false;
  if (!isStrictPublicKey(signature.subarray(0, 32))) return false;
  return backend.ed25519Verify(message, signature, publicKey);
}

export function requireSignature(
  backend: CryptoBackend,
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
  what: string,
): void {
  if (!verifySignature(backend, message, signature, publicKey)) {
    throw new ParleyError('INVALID_SIGNATURE', `${what}: signature does not verify`);
  }
}
