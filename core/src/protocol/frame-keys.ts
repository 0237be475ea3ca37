import { z } from 'zod';

/**
 * A sender's frame key for one group call (docs/crypto.md, "Group calls: encrypted media"). It travels only
 * inside a pairwise session (a control message through the outbox, sealed sender around the Double Ratchet),
 * one copy per participant, and is validated again on receipt like every decrypted content.
 *
 * - `callId`: the call's id (its SFU room id), naming the keyring it belongs to;
 * - `groupId`: the group whose call it is; the receiver takes it only from a member of that group;
 * - `keyId`: the u32 every frame under this key names in its trailer; a sender's key ids increase;
 * - `secret`: 32 random bytes (base64url) from which the AES-GCM key and IV salt are derived (HKDF).
 */
export const FrameKeyBodySchema = z.strictObject({
  type: z.literal('frame-key'),
  callId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/u),
  groupId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/u),
  keyId: z.number().int().min(0).max(0xffff_ffff),
  secret: z
    .string()
    .length(43, 'a frame secret is 32 bytes of unpadded base64url')
    .regex(/^[A-Za-z0-9_-]+$/u),
});
export type FrameKeyBody = z.infer<typeof FrameKeyBodySchema>;
