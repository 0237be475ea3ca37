import { z } from 'zod';
import {
  IdentitySchema,
  NonceSchema,
  PublicKeySchema,
  SignatureSchema,
  TimestampSchema,
  TokenSchema,
} from './common.js';

/** Server → client right after the socket connects. The nonce is single-use and expires at `expiresAt`. */
export const AuthChallengeSchema = z.strictObject({
  nonce: NonceSchema,
  expiresAt: TimestampSchema,
  /** The relay's own Ed25519 key: it signs recall receipts. */
  relayKey: PublicKeySchema,
  /** Which credential beyond the signature a new identity must show. */
  policy: z.enum(['open', 'invite', 'otp']),
});

export const OtpAddressSchema = z.strictObject({
  channel: z.enum(['sms', 'email']),
  address: z
    .string()
    .min(3)
    .max(254)
    .regex(
      /^(\+[0-9]{6,15}|[^\s@]+@[^\s@]+\.[^\s@]+)$/,
      'address must be an E.164 phone number or an e-mail address',
    ),
});

export const AuthRequestSchema = z.strictObject({
  identity: IdentitySchema,
  /** Ed25519 signature over `authChallengeMessage(nonce, identity, relayKey, relayHost)`. */
  signature: SignatureSchema,
  /** The host the client dialled (`relayHostOf` its URL), as signed; the relay refuses one not its own. */
  relayHost: z
    .string()
    .min(1)
    .max(262)
    .regex(/^[a-z0-9.:[\]_-]+$/, 'relayHost must be a lower-case host[:port]'),
  /** Required once per identity when the relay's policy is `invite`. */
  invite: TokenSchema.optional(),
  /** Required once per identity when the relay's policy is `otp`. */
  otp: z.strictObject({ ...OtpAddressSchema.shape, code: z.string().regex(/^[0-9]{6}$/) }).optional(),
});

export const OtpRequestSchema = OtpAddressSchema;

export const IceServerSchema = z.strictObject({
  urls: z.array(z.string().max(512)).max(16),
  username: z.string().max(256).optional(),
  credential: z.string().max(256).optional(),
});

/** coturn REST-API credentials: username `expiry:identity`, credential base64(HMAC-SHA1(secret, username)). */
export const TurnGrantSchema = z.strictObject({
  iceServers: z.array(IceServerSchema).max(16),
  expiresAt: TimestampSchema,
});

export const AuthResultSchema = z.strictObject({
  identity: IdentitySchema,
  /** Bearer token for the HTTP attachment endpoints. */
  token: z.string().max(1024),
  tokenExpiresAt: TimestampSchema,
  turn: TurnGrantSchema,
});

export type AuthChallenge = z.infer<typeof AuthChallengeSchema>;
export type AuthRequest = z.infer<typeof AuthRequestSchema>;
export type OtpRequest = z.infer<typeof OtpRequestSchema>;
export type IceServer = z.infer<typeof IceServerSchema>;
export type TurnGrant = z.infer<typeof TurnGrantSchema>;
export type AuthResult = z.infer<typeof AuthResultSchema>;
