import { z } from 'zod';
import { ParleyError } from '../../../errors/index.js';
import { IdentitySchema, PublicKeySchema } from '../../../protocol/common.js';

/**
 * The link payload the existing device shows (QR code and `parley://link?…` text) and the new device scans
 * or pastes (docs/crypto.md "Linking a device"). It is the out-of-band half of the handshake: whoever holds it
 * may start linking once, before it expires; the short code both screens show then catches a copy that
 * reached someone else first.
 */

export const LINK_PAYLOAD_PREFIX = 'parley://link?';
export const LINK_PAYLOAD_VERSION = 1;
/** How long a shown payload may be used: long enough to walk to the other machine, short enough to not linger. */
export const LINK_PAYLOAD_TTL_MS = 10 * 60 * 1000;

const Base64Url32 = PublicKeySchema;

export const LinkPayloadSchema = z.strictObject({
  v: z.literal(LINK_PAYLOAD_VERSION),
  /** The relay both devices use for the handshake (the existing device's home relay). */
  relay: z.string().url().max(2048),
  /** The account identity key (what the account string encodes). */
  account: IdentitySchema,
  /** The existing device's identity key: where the new device's hello is addressed on the relay. */
  host: IdentitySchema,
  /** The handshake's id, used as the relay signal's linkId. */
  id: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  /** The existing device's ephemeral X25519 key for this one link. */
  key: Base64Url32,
  /** 32 random bytes: only a holder of the payload can produce a hello the existing device accepts. */
  secret: Base64Url32,
  /** SHA-512 of the host's hidden nonce (first 32 bytes): it fixes the host's last contribution in advance. */
  commit: Base64Url32,
  /** Milliseconds since the epoch after which the existing device refuses the payload. */
  expires: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export type LinkPayload = z.infer<typeof LinkPayloadSchema>;

const FIELDS = ['v', 'relay', 'account', 'host', 'id', 'key', 'secret', 'commit', 'expires'] as const;

/** The `parley://link?…` text of a payload (also what the QR code holds). */
export function formatLinkPayload(payload: LinkPayload): string {
  const query = new URLSearchParams();
  for (const field of FIELDS) query.set(field, String(payload[field]));
  return `${LINK_PAYLOAD_PREFIX}${query.toString()}`;
}

/**
 * Parses a scanned or pasted payload. BAD_REQUEST for anything that is not a well-formed link payload,
 * CHALLENGE_EXPIRED once `now` is past its expiry (the existing device would refuse it anyway).
 */
export function parseLinkPayload(text: string, now: number): LinkPayload {
  if (typeof text !== 'string' || !text.trim().startsWith(LINK_PAYLOAD_PREFIX) || text.length > 4096) {
    throw new ParleyError('BAD_REQUEST', 'this is not a Parley device-link payload');
  }
  const query = new URLSearchParams(text.trim().slice(LINK_PAYLOAD_PREFIX.length));
  const raw: Record<string, unknown> = {};
  for (const [name, value] of query) {
    if (name in raw) throw new ParleyError('BAD_REQUEST', `device-link payload: ${name} given twice`);
    raw[name] = name === 'v' || name === 'expires' ? Number(value) : value;
  }
  const parsed = LinkPayloadSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ParleyError(
      'BAD_REQUEST',
      `device-link payload: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'malformed'}`,
    );
  }
  if (parsed.data.expires <= now) {
    throw new ParleyError('CHALLENGE_EXPIRED', 'this device-link payload has expired: show a new one');
  }
  return parsed.data;
}
