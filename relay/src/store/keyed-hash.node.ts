import { createHmac } from 'node:crypto';

/** The secret (in the store's `secrets`) that keys every hash the relay keeps instead of a readable value. */
export const METADATA_KEY_NAME = 'metadata-hmac-key';

/** What a keyed hash stands for; part of the hashed bytes, so one purpose's hash never matches another's. */
export type HashPurpose = 'admitted' | 'otp' | 'presence';

/**
 * HMAC-SHA256 under the relay's metadata key, base64url. Used where the relay must recognise a value again
 * (an admitted identity, an OTP address, an allow-listed watcher) but a copy of its disk should not list them:
 * without the key, which lives in the same store, nobody can test a guess offline against a stolen backup
 * that leaves the secrets out, and even with it the values are not enumerable.
 */
export function keyedHash(key: Uint8Array, purpose: HashPurpose, value: string): string {
  return createHmac('sha256', key).update(`${purpose}\0${value}`).digest('base64url');
}
