import { z } from 'zod';
import { IdentitySchema, KeyIdSchema, PublicKeySchema, SignatureSchema } from './common.js';
import { LIMITS } from './limits.js';

export const OneTimePreKeySchema = z.strictObject({ keyId: KeyIdSchema, publicKey: PublicKeySchema });

export const SignedPreKeySchema = z.strictObject({
  keyId: KeyIdSchema,
  publicKey: PublicKeySchema,
  /** Over `signedPreKeyMessage(keyId, publicKey)` by the identity key. */
  signature: SignatureSchema,
});

/** What a device publishes. The relay checks both signatures before accepting it. */
export const PreKeyBundleSchema = z.strictObject({
  identityKey: IdentitySchema,
  /** X25519 identity key used in X3DH. */
  identityDhKey: PublicKeySchema,
  /** Over `identityDhMessage(identityDhKey)` by the identity key. */
  identityDhSignature: SignatureSchema,
  signedPreKey: SignedPreKeySchema,
  oneTimePreKeys: z.array(OneTimePreKeySchema).max(LIMITS.maxOneTimePreKeys),
});

/** What another client fetches: at most one one-time prekey, which the relay hands out once and deletes. */
export const FetchedBundleSchema = z.strictObject({
  identityKey: IdentitySchema,
  identityDhKey: PublicKeySchema,
  identityDhSignature: SignatureSchema,
  signedPreKey: SignedPreKeySchema,
  oneTimePreKey: OneTimePreKeySchema.optional(),
});

export const PublishPreKeysSchema = z.strictObject({ bundle: PreKeyBundleSchema });
export const FetchPreKeysSchema = z.strictObject({ identity: IdentitySchema });

/** Case-insensitive, reserved per relay; stored and compared in lower case. */
export const UsernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.]{3,32}$/, 'username must be 3-32 letters, digits, dots or underscores')
  .transform((name) => name.toLowerCase());

export const SetUsernameSchema = z.strictObject({ username: UsernameSchema.nullable() });
export const ResolveUsernameSchema = z.strictObject({ username: UsernameSchema });

export type OneTimePreKey = z.infer<typeof OneTimePreKeySchema>;
export type SignedPreKey = z.infer<typeof SignedPreKeySchema>;
export type PreKeyBundle = z.infer<typeof PreKeyBundleSchema>;
export type FetchedBundle = z.infer<typeof FetchedBundleSchema>;
