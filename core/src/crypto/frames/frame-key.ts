import { ParleyError } from '../../errors/index.js';
import { KDF_LABELS } from '../kdf/labels.js';
import { IV_LENGTH } from './format.js';
import type { FrameSubtle } from './subtle.js';

/**
 * A sender's frame key as it travels to the other participants (inside the pairwise sessions): a key id
 * that every frame names, and 32 random bytes from which the AES key and IV salt are derived.
 */
export interface FrameKey {
  readonly keyId: number;
  readonly secret: Uint8Array;
}

export const FRAME_SECRET_LENGTH = 32;

/** What encrypts and decrypts: the AES-256-GCM key (non-extractable) and the 12-byte IV salt. */
export interface DerivedFrameKey {
  readonly keyId: number;
  readonly key: unknown;
  readonly salt: Uint8Array;
}

/** How many ratchet steps past the newest key held a receiver derives to read a frame (joins in a row). */
export const MAX_RATCHET_STEPS = 8;

/**
 * The next key of a sender after someone joined (docs/crypto.md, "Key schedule"): key id + 1, and
 * secret' = HKDF-SHA-256(ikm = secret, salt = empty, info = "parley/frame/ratchet/v1", 32 bytes). Everyone
 * holding `frameKey` can derive it, so the sender switches at once; the joiner, given only the result, cannot
 * go back to `frameKey` (HKDF is one-way).
 */
export async function ratchetFrameKey(subtle: FrameSubtle, frameKey: FrameKey): Promise<FrameKey> {
  if (frameKey.secret.length !== FRAME_SECRET_LENGTH)
    throw new ParleyError('INVALID_KEY', `a frame secret is ${FRAME_SECRET_LENGTH} bytes`);
  if (!Number.isInteger(frameKey.keyId) || frameKey.keyId < 0 || frameKey.keyId >= 0xffff_ffff)
    throw new ParleyError('INVALID_KEY', 'a frame key id to ratchet is a u32 below the largest');
  const ikm = await subtle.importKey('raw', frameKey.secret, 'HKDF', false, ['deriveBits']);
  const secret = await subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(), info: KDF_LABELS.frameRatchet },
    ikm,
    FRAME_SECRET_LENGTH * 8,
  );
  return { keyId: frameKey.keyId + 1, secret: new Uint8Array(secret) };
}

/**
 * key  = HKDF-SHA-256(ikm = secret, salt = empty, info = "parley/frame/key/v1", 32 bytes)
 * salt = HKDF-SHA-256(ikm = secret, salt = empty, info = "parley/frame/salt/v1", 12 bytes)
 */
export async function deriveFrameKey(subtle: FrameSubtle, frameKey: FrameKey): Promise<DerivedFrameKey> {
  if (frameKey.secret.length !== FRAME_SECRET_LENGTH)
    throw new ParleyError('INVALID_KEY', `a frame secret is ${FRAME_SECRET_LENGTH} bytes`);
  if (!Number.isInteger(frameKey.keyId) || frameKey.keyId < 0 || frameKey.keyId > 0xffff_ffff)
    throw new ParleyError('INVALID_KEY', 'a frame key id is a u32');
  const ikm = await subtle.importKey('raw', frameKey.secret, 'HKDF', false, ['deriveBits']);
  const hkdf = (info: Uint8Array) => ({
    name: 'HKDF' as const,
    hash: 'SHA-256' as const,
    salt: new Uint8Array(),
    info,
  });
  const keyBytes = new Uint8Array(await subtle.deriveBits(hkdf(KDF_LABELS.frameKey), ikm, 256));
  const salt = new Uint8Array(await subtle.deriveBits(hkdf(KDF_LABELS.frameSalt), ikm, IV_LENGTH * 8));
  const key = await subtle.importKey('raw', keyBytes, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  keyBytes.fill(0);
  return { keyId: frameKey.keyId, key, salt };
}
