import { z } from 'zod';
import { LIMITS } from './limits.js';

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Unpadded base64url of exactly `bytes` bytes (its length alone fixes the byte count). */
function base64UrlOf(bytes: number, what: string) {
  const length = Math.ceil((bytes * 4) / 3);
  return z
    .string()
    .length(length, `${what} must be ${bytes} bytes of unpadded base64url (${length} characters)`)
    .regex(BASE64URL, `${what} must be base64url`);
}

/** An Ed25519 or X25519 public key (32 bytes). A device's identity on the relay is its Ed25519 key. */
export const PublicKeySchema = base64UrlOf(32, 'public key');
export const IdentitySchema = base64UrlOf(32, 'identity');
export const SignatureSchema = base64UrlOf(64, 'signature');
export const NonceSchema = base64UrlOf(32, 'nonce');

export const KeyIdSchema = z.number().int().min(0).max(0xffffffff);

/** Binary arrives as Buffer in Node and ArrayBuffer in browsers; both pass, nothing else does. */
export const BinarySchema = z.custom<Uint8Array | ArrayBuffer>(
  (value) => value instanceof Uint8Array || value instanceof ArrayBuffer,
  { message: 'expected binary data' },
);

export const BlobIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'blob id must be 1-64 base64url characters');

export const TokenSchema = z.string().min(1).max(LIMITS.maxTokenLength);

export const TimestampSchema = z.number().int().nonnegative();

export type Identity = z.infer<typeof IdentitySchema>;
export type BlobId = z.infer<typeof BlobIdSchema>;
