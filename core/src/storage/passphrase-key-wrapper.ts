import nacl from 'tweetnacl';
import { ParleyError } from '../errors/index.js';
import {
  createSecretboxKeyWrapper,
  type DerivedKeyWrapper,
  type KeyDerivationParams,
} from './key-wrapper.js';

/**
 * The slice of WebCrypto's SubtleCrypto that PBKDF2 needs, typed here because core/ compiles without the DOM
 * library. Pass `globalThis.crypto.subtle` (Node ≥ 20, browsers, Electron).
 */
export interface Pbkdf2Subtle {
  importKey(
    format: 'raw',
    keyData: Uint8Array,
    algorithm: 'PBKDF2',
    extractable: false,
    keyUsages: ['deriveBits'],
  ): Promise<unknown>;
  deriveBits(
    algorithm: { name: 'PBKDF2'; hash: 'SHA-256'; salt: Uint8Array; iterations: number },
    baseKey: unknown,
    length: number,
  ): Promise<ArrayBuffer>;
}

/** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256; lower counts are refused. */
export const PBKDF2_MIN_ITERATIONS = 600_000;
const SALT_LENGTH = 16;

export interface PassphraseKeyWrapperOptions {
  readonly passphrase: string;
  readonly subtle: Pbkdf2Subtle;
  /** Used only when the database has no parameters yet; later opens use the stored count. */
  readonly iterations?: number;
  readonly randomBytes?: (length: number) => Uint8Array;
}

/**
 * Keys at rest in the web client: PBKDF2-HMAC-SHA256 (WebCrypto, ≥ 600,000 iterations, 16-byte random salt)
 * turns the passphrase into a 32-byte key, and nacl.secretbox wraps with it. PBKDF2 rather than a memory-hard
 * KDF because it is the one password KDF every platform ships natively (tweetnacl has none, and a JavaScript
 * scrypt/Argon2 would be slower for us than native code is for an attacker). A wrong passphrase surfaces as
 * ParleyError('DECRYPT_FAILED') when the database checks its key on open.
 */
export function passphraseKeyWrapper(options: PassphraseKeyWrapperOptions): DerivedKeyWrapper {
  const randomBytes = options.randomBytes ?? ((length: number) => nacl.randomBytes(length));
  return {
    async derive(saved) {
      const params: KeyDerivationParams = saved ?? {
        algorithm: 'PBKDF2-SHA256',
        salt: randomBytes(SALT_LENGTH),
        iterations: options.iterations ?? PBKDF2_MIN_ITERATIONS,
      };
      if (params.algorithm !== 'PBKDF2-SHA256') {
        throw new ParleyError('INVALID_KEY', `unknown key derivation ${String(params.algorithm)}`);
      }
      if (!Number.isSafeInteger(params.iterations) || params.iterations < PBKDF2_MIN_ITERATIONS) {
        throw new ParleyError('INVALID_KEY', `PBKDF2 needs at least ${PBKDF2_MIN_ITERATIONS} iterations`);
      }
      const key = await derivePassphraseKey(options.subtle, options.passphrase, params);
      const wrapper = createSecretboxKeyWrapper(key, randomBytes);
      key.fill(0);
      return { wrapper, params };
    },
  };
}

export async function derivePassphraseKey(
  subtle: Pbkdf2Subtle,
  passphrase: string,
  params: KeyDerivationParams,
): Promise<Uint8Array> {
  // NFKC so that the same passphrase typed on two keyboards (composed vs decomposed accents) gives one key.
  const secret = new TextEncoder().encode(passphrase.normalize('NFKC'));
  const baseKey = await subtle.importKey('raw', secret, 'PBKDF2', false, ['deriveBits']);
  secret.fill(0);
  const bits = await subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: params.salt, iterations: params.iterations },
    baseKey,
    256,
  );
  return new Uint8Array(bits);
}
