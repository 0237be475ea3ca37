import { hkdf, hmac, sha512Hash } from '../kdf/index.js';
import { CHAIN_MESSAGE_KEY_SEED, CHAIN_NEXT_KEY_SEED, KDF_LABELS } from '../kdf/labels.js';
import type { CryptoBackend } from '../backend/backend.js';

/** A message key: the 32-byte secretbox key followed by its 24-byte nonce (56 bytes). */
export const MESSAGE_KEY_LENGTH = 56;

/** KDF_RK: HKDF-SHA-512(salt = root key, ikm = DH output) → new root key ‖ chain key. */
export function kdfRoot(
  backend: CryptoBackend,
  rootKey: Uint8Array,
  dhOutput: Uint8Array,
): { rootKey: Uint8Array; chainKey: Uint8Array } {
  const out = hkdf(sha512Hash(backend), dhOutput, rootKey, KDF_LABELS.ratchetRoot, 64);
  return { rootKey: out.slice(0, 32), chainKey: out.slice(32, 64) };
}

/** KDF_CK: message key = HMAC(ck, 0x01)[0..56], next chain key = HMAC(ck, 0x02)[0..32]. */
export function kdfChain(
  backend: CryptoBackend,
  chainKey: Uint8Array,
): { messageKey: Uint8Array; chainKey: Uint8Array } {
  const hash = sha512Hash(backend);
  return {
    messageKey: hmac(hash, chainKey, CHAIN_MESSAGE_KEY_SEED).slice(0, MESSAGE_KEY_LENGTH),
    chainKey: hmac(hash, chainKey, CHAIN_NEXT_KEY_SEED).slice(0, 32),
  };
}
