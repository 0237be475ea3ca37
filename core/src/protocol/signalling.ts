import { z } from 'zod';
import { IdentitySchema, TimestampSchema } from './common.js';
import { LIMITS } from './limits.js';

/**
 * simple-peer's signal objects (offer/answer SDP, trickled candidates, renegotiation and transceiver
 * requests). The relay does not interpret them beyond shape and size: they are the peers' business.
 * Built twice: strict for the wire (an unknown key anywhere is BAD_REQUEST, as docs/protocol.md says), and
 * stripping for what the local WebRTC stack hands us (browsers add fields over time; only these travel).
 */
function signalData(object: typeof z.object | typeof z.strictObject) {
  return z.union([
    object({
      type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
      sdp: z.string().max(LIMITS.maxSignalBytes),
    }),
    object({
      type: z.literal('candidate').optional(),
      candidate: object({
        candidate: z.string().max(2048),
        sdpMid: z.string().max(64).nullable().optional(),
        sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
        usernameFragment: z.string().max(256).nullable().optional(),
      }),
    }),
    object({ renegotiate: z.literal(true) }),
    object({
      transceiverRequest: object({
        kind: z.enum(['audio', 'video']),
        // RTCRtpTransceiverInit as JSON: MediaStreams do not survive serialisation, so only these travel.
        init: object({
          direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
          sendEncodings: z
            .array(z.record(z.string().max(64), z.union([z.string().max(256), z.number(), z.boolean()])))
            .max(8)
            .optional(),
        }).optional(),
      }),
    }),
  ]);
}

export const SignalDataSchema = signalData(z.strictObject);
/** For signals from the local WebRTC stack before they are sent: unknown keys are dropped, not refused. */
export const LocalSignalDataSchema = signalData(z.object);
// Every field above is capped, so a signal's size is bounded without serialising it again on the relay's
// hottest path; the relay also walks each payload against its byte budget (the whole `signal` payload at most
// LIMITS.maxSignalBytes, PAYLOAD_TOO_LARGE) before the schema sees it.

/**
 * A signal sealed end to end (docs/protocol.md, "Sealed signals"): the whole simple-peer signal, with its
 * linkId and kind, encrypted in the pair's Double Ratchet session inside sealed sender. The relay forwards
 * it without learning SDP or candidates (so neither addresses nor DTLS fingerprints), and cannot alter it.
 */
export const SealedSignalDataSchema = z.strictObject({
  sealed: z
    .string()
    .max(LIMITS.maxSignalBytes)
    .regex(/^[A-Za-z0-9_-]+$/),
});

/** What the relay forwards: Parley clients send and accept only sealed data; the clear shapes are inside. */
export const WireSignalDataSchema = z.union([SealedSignalDataSchema, SignalDataSchema]);

/**
 * `linkId` names one peer connection attempt, so a late candidate for a connection that was replaced is
 * dropped. `kind` leaves room for calls beside data links.
 */
export const SignalSchema = z.strictObject({
  to: IdentitySchema,
  linkId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** 'device-link': a frame of the linking handshake between two devices of one account (docs/crypto.md). */
  kind: z.enum(['data', 'call', 'device-link']).default('data'),
  data: WireSignalDataSchema,
  /**
   * A linked device's account key (docs/protocol.md, "Signals"): the relay routes by device identity, so a
   * receiver learns which account a device belongs to from this claim, and believes it only once the
   * account's signed device list names the sending identity. Absent for a primary (its key is the account).
   */
  account: IdentitySchema.optional(),
});

export const IncomingSignalSchema = z.strictObject({
  from: IdentitySchema,
  linkId: z.string(),
  kind: z.enum(['data', 'call', 'device-link']),
  data: WireSignalDataSchema,
  /** The sender's claim, forwarded as sent (see SignalSchema): checked against the account's device list. */
  account: IdentitySchema.optional(),
});

export const TypingSchema = z.strictObject({ to: IdentitySchema, typing: z.boolean() });
export const IncomingTypingSchema = z.strictObject({ from: IdentitySchema, typing: z.boolean() });

export const PresenceVisibilitySchema = z.strictObject({
  /** Identities allowed to see this device's presence. Everyone else sees nothing. */
  allow: z.array(IdentitySchema).max(LIMITS.maxPresenceIdentities),
  /** Whether allowed watchers also see "last seen" while offline. */
  lastSeen: z.boolean(),
});

export const PresenceSubscribeSchema = z.strictObject({
  identities: z.array(IdentitySchema).max(LIMITS.maxPresenceIdentities),
});

export const PresenceStateSchema = z.strictObject({
  identity: IdentitySchema,
  online: z.boolean(),
  lastSeen: TimestampSchema.optional(),
});

export type SignalData = z.infer<typeof SignalDataSchema>;
export type SealedSignalData = z.infer<typeof SealedSignalDataSchema>;
export type WireSignalData = z.infer<typeof WireSignalDataSchema>;
export type Signal = z.infer<typeof SignalSchema>;
export type IncomingSignal = z.infer<typeof IncomingSignalSchema>;
export type PresenceState = z.infer<typeof PresenceStateSchema>;
