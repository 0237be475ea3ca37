import { z } from 'zod';
import { IdentitySchema } from './common.js';
import { concatBytes, fromBase64Url, toBase64Url, utf8 } from './encoding.js';

/**
 * The ticket into one SFU room. The relay signs it with its relay key (Ed25519) for an identity it has
 * authenticated; the SFU checks it with the relay's public key, so the two share no database and no secret.
 *
 * A room id is 32 bytes that only the group's members can derive (docs/sfu.md: an HMAC of the group's call
 * secret), so the relay, which does not know group membership, signs for whatever room an authenticated
 * identity names, and a token for one room never opens another.
 *
 * Wire form: `base64url(body JSON) "." base64url(signature)`; the signature covers
 * label ‖ 0x00 ‖ the body bytes exactly as sent, so no canonical JSON is needed.
 */
export const SFU_TOKEN_DOMAIN = 'parley/sfu-join/v1';

/** A room id: 32 bytes of unpadded base64url (43 characters). */
export const SfuRoomIdSchema = z
  .string()
  .length(43, 'room id must be 32 bytes of unpadded base64url (43 characters)')
  .regex(/^[A-Za-z0-9_-]+$/, 'room id must be base64url');

export const SfuTokenBodySchema = z.strictObject({
  v: z.literal(1),
  identity: IdentitySchema,
  room: SfuRoomIdSchema,
  /** Expiry, Unix milliseconds. */
  exp: z.number().int().nonnegative(),
});
export type SfuTokenBody = z.infer<typeof SfuTokenBodySchema>;

/** The longest token accepted: the body is ~140 bytes, the signature 64. */
export const SFU_TOKEN_MAX_LENGTH = 512;

export function sfuTokenMessage(bodyBytes: Uint8Array): Uint8Array {
  return concatBytes(utf8(SFU_TOKEN_DOMAIN), new Uint8Array([0]), bodyBytes);
}

/** Builds a token; `sign` is the relay key's Ed25519 signer. */
export function encodeSfuToken(body: SfuTokenBody, sign: (message: Uint8Array) => Uint8Array): string {
  const bodyBytes = utf8(JSON.stringify(body));
  return `${toBase64Url(bodyBytes)}.${toBase64Url(sign(sfuTokenMessage(bodyBytes)))}`;
}

export type SfuTokenCheck = { ok: true; body: SfuTokenBody } | { ok: false; reason: string };

/**
 * Checks signature, shape and expiry, in that order (nothing of an unsigned body is read). `verify` is a
 * strict Ed25519 verification against the relay's public key; it must return false, never throw.
 */
export function checkSfuToken(
  token: string,
  verify: (message: Uint8Array, signature: Uint8Array) => boolean,
  now: number,
): SfuTokenCheck {
  if (token.length > SFU_TOKEN_MAX_LENGTH) return { ok: false, reason: 'token too long' };
  const parts = token.split('.');
  if (parts.length !== 2) return { ok: false, reason: 'malformed token' };
  let bodyBytes: Uint8Array;
  let signature: Uint8Array;
  try {
    bodyBytes = fromBase64Url(parts[0] ?? '');
    signature = fromBase64Url(parts[1] ?? '');
  } catch {
    return { ok: false, reason: 'malformed token' };
  }
  if (signature.length !== 64 || !verify(sfuTokenMessage(bodyBytes), signature)) {
    return { ok: false, reason: 'token signature does not verify' };
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bodyBytes));
  } catch {
    return { ok: false, reason: 'malformed token body' };
  }
  const parsed = SfuTokenBodySchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'malformed token body' };
  if (!(parsed.data.exp > now)) return { ok: false, reason: 'token expired' };
  return { ok: true, body: parsed.data };
}
