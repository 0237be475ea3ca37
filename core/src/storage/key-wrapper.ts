import nacl from 'tweetnacl';
import { ParleyError } from '../errors/index.js';

/**
 * Wraps keys before they are written and unwraps them after they are read, with a key the platform holds
 * (a passphrase in the web client; Electron's safeStorage protecting a random database key on desktop).
 * Asynchronous so that a wrapper can live behind IPC; the database calls it outside its transactions.
 */
export interface KeyWrapper {
  wrap(plain: Uint8Array): Promise<Uint8Array>;
  /** Throws ParleyError('DECRYPT_FAILED') if the bytes were wrapped under another key or altered. */
  unwrap(wrapped: Uint8Array): Promise<Uint8Array>;
}

/** Parameters a derived wrapper needs again on the next start (not secret; kept in the database). */
export interface KeyDerivationParams {
  readonly algorithm: 'PBKDF2-SHA256';
  readonly salt: Uint8Array;
  readonly iterations: number;
}

/** A wrapper whose key is derived from parameters the database keeps: the first open chooses them. */
export interface DerivedKeyWrapper {
  derive(
    saved: KeyDerivationParams | undefined,
  ): Promise<{ wrapper: KeyWrapper; params: KeyDerivationParams }>;
}

export type KeyWrapperSource = KeyWrapper | DerivedKeyWrapper;

export function isDerivedKeyWrapper(source: KeyWrapperSource): source is DerivedKeyWrapper {
  return 'derive' in source;
}

const FORMAT_SECRETBOX = 1;
const NONCE_LENGTH = nacl.secretbox.nonceLength;

/**
 * XSalsa20-Poly1305 (nacl.secretbox) under a 32-byte key. Output: format byte ‖ random 24-byte nonce ‖ box. Random
 * nonces are safe at this size (2⁻⁹⁶-scale collision odds over any realistic number of wraps).
 */
export function createSecretboxKeyWrapper(
  key: Uint8Array,
  randomBytes: (length: number) => Uint8Array = (length) => nacl.randomBytes(length),
): KeyWrapper {
  if (key.length !== nacl.secretbox.keyLength)
    throw new ParleyError('INVALID_KEY', 'wrapping key must be 32 bytes');
  const secret = key.slice();
  return {
    wrap(plain) {
      const nonce = randomBytes(NONCE_LENGTH);
      const box = nacl.secretbox(plain, nonce, secret);
      const out = new Uint8Array(1 + NONCE_LENGTH + box.length);
      out[0] = FORMAT_SECRETBOX;
      out.set(nonce, 1);
      out.set(box, 1 + NONCE_LENGTH);
      return Promise.resolve(out);
    },
    unwrap(wrapped) {
      if (
        wrapped.length < 1 + NONCE_LENGTH + nacl.secretbox.overheadLength ||
        wrapped[0] !== FORMAT_SECRETBOX
      ) {
        return Promise.reject(new ParleyError('DECRYPT_FAILED', 'wrapped key has an unknown format'));
      }
      const plain = nacl.secretbox.open(
        wrapped.subarray(1 + NONCE_LENGTH),
        wrapped.subarray(1, 1 + NONCE_LENGTH),
        secret,
      );
      if (plain === null) {
        return Promise.reject(new ParleyError('DECRYPT_FAILED', 'wrapped key does not open under this key'));
      }
      return Promise.resolve(plain);
    },
  };
}
