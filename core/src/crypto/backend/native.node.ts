/// <reference types="node" />
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  verify,
  type KeyObject,
} from 'node:crypto';
import { crypto_secretbox_easy, crypto_secretbox_open_easy } from 'sodium-native';
import type { CryptoBackend } from './backend.js';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** The relay verifies every connecting identity through this cache, so it holds many keys. */
const KEY_CACHE_LIMIT = 10_000;
const keyCache = new Map<string, KeyObject>();

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey).toString('base64');
  let key = keyCache.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

/**
 * X25519 keys are imported as JWK: Node hands JWK OKP keys to OpenSSL as raw bytes
 * (EVP_PKEY_new_raw_*_key), about 30 µs a private key, where a DER PKCS#8 import goes through OpenSSL 3's
 * decoder framework at about 350 µs — more than tweetnacl's whole scalar multiplication's share of a
 * message. A private JWK must carry `x`, which Node type-checks and otherwise ignores (the public key is
 * derived from `d`), so an empty string stands in for it.
 */
function x25519PrivateKeyFromJwk(secretKey: Uint8Array): KeyObject {
  return createPrivateKey({
    key: { kty: 'OKP', crv: 'X25519', d: Buffer.from(secretKey).toString('base64url'), x: '' },
    format: 'jwk',
  });
}

/**
 * The same secret (an identity key, a signed prekey, the current ratchet key) is often used several times
 * in a row. The cache is keyed by the array object, so it lives exactly as long as the caller's own copy of
 * the secret, and it keeps the bytes it was made from, so a secret changed in place is imported again
 * rather than served stale.
 */
const privateKeyCache = new WeakMap<Uint8Array, { bytes: Buffer; key: KeyObject }>();

function x25519PrivateKey(secretKey: Uint8Array): KeyObject {
  const cached = privateKeyCache.get(secretKey);
  if (cached && cached.bytes.equals(secretKey)) return cached.key;
  const key = x25519PrivateKeyFromJwk(secretKey);
  privateKeyCache.set(secretKey, { bytes: Buffer.from(secretKey), key });
  return key;
}

function x25519PublicKey(publicKey: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(publicKey).toString('base64url') },
    format: 'jwk',
  });
}

function toUint8Array(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

const SECRETBOX_TAG_BYTES = 16;

/**
 * OpenSSL for SHA-512, X25519 and Ed25519 verification (tweetnacl verifies about a hundred signatures a
 * second and does a few hundred X25519 operations). Node has no XSalsa20-Poly1305, so secretbox comes from
 * libsodium (sodium-native): the same bytes as nacl.secretbox (tag ‖ ciphertext), about 1.4 GB/s on 64 KiB
 * attachment chunks where tweetnacl does 100–140 MB/s — what lets a file transfer keep up with the link.
 */
export const nodeNativeBackend: CryptoBackend = {
  name: 'node-native',
  sha512: (data) => toUint8Array(createHash('sha512').update(data).digest()),
  ed25519Verify(message, signature, publicKey) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      return verify(null, message, publicKeyObject(publicKey), signature);
    } catch {
      return false;
    }
  },
  x25519(secretKey, publicKey) {
    // OpenSSL refuses an all-zero result with an exception; tweetnacl returns zeros. Return zeros too, so
    // the caller's small-order check (identity/dh.ts) sees the same thing under both backends.
    try {
      const shared = diffieHellman({
        privateKey: x25519PrivateKey(secretKey),
        publicKey: x25519PublicKey(publicKey),
      });
      return toUint8Array(shared);
    } catch {
      return new Uint8Array(32);
    }
  },
  x25519Base(secretKey) {
    const { x } = createPublicKey(x25519PrivateKey(secretKey)).export({ format: 'jwk' });
    if (x === undefined) throw new Error('X25519 public key export without x');
    return toUint8Array(Buffer.from(x, 'base64url'));
  },
  secretbox(message, nonce, key) {
    const box = new Uint8Array(message.length + SECRETBOX_TAG_BYTES);
    crypto_secretbox_easy(box, message, nonce, key);
    return box;
  },
  secretboxInto(out, message, nonce, key) {
    if (out.length !== message.length + SECRETBOX_TAG_BYTES)
      throw new RangeError('out must be the message length plus its tag');
    crypto_secretbox_easy(out, message, nonce, key);
  },
  secretboxOpen(box, nonce, key) {
    if (box.length < SECRETBOX_TAG_BYTES) return null;
    const message = new Uint8Array(box.length - SECRETBOX_TAG_BYTES);
    return crypto_secretbox_open_easy(message, box, nonce, key) ? message : null;
  },
  secretboxOpenInto(out, box, nonce, key) {
    if (box.length < SECRETBOX_TAG_BYTES) return false;
    if (out.length !== box.length - SECRETBOX_TAG_BYTES)
      throw new RangeError('out must be the box length minus its tag');
    // libsodium checks the tag before it writes a byte: a box that does not open leaves `out` untouched.
    return crypto_secretbox_open_easy(out, box, nonce, key);
  },
};
