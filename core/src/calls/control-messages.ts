import { z } from 'zod';
import { LIMITS } from '../protocol/limits.js';
import type { CallSignal } from './types.js';
import { CALL_ELSEWHERE, CALL_FAILURES, MAX_DECLINE_MESSAGE_LENGTH } from './types.js';

/**
 * The call control messages, the `data` of a sealed signal of `kind: 'call'` (docs/protocol.md, "Call
 * control messages"). Strict at every depth: a peer's message with an unknown field is refused. ring,
 * accept, decline, busy and hangup drive the state machine (CallController); offer, answer and candidates
 * carry the call's own peer connection (an offer with `iceRestart` renegotiates after a lost path, one with `replace` moves the call to a new
 * connection);
 * mute-state tells the other side at once that the microphone or camera went off.
 */
export const CALL_ID_PATTERN = /^[0-9a-f]{32}$/;
const callId = z.string().regex(CALL_ID_PATTERN);
export const MAX_CANDIDATES_PER_MESSAGE = 32;

const CandidateSchema = z.strictObject({
  candidate: z.string().max(2048),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});

export const CallControlSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ring'), callId, media: z.enum(['audio', 'video']) }),
  z.strictObject({ type: z.literal('accept'), callId }),
  z.strictObject({
    type: z.literal('decline'),
    callId,
    message: z.string().max(MAX_DECLINE_MESSAGE_LENGTH).optional(),
  }),
  z.strictObject({ type: z.literal('busy'), callId }),
  z.strictObject({
    type: z.literal('hangup'),
    callId,
    failure: z.enum(CALL_FAILURES).optional(),
    /** Linked devices: from the caller to the callee's other devices, once one answered or declined. */
    elsewhere: z.enum(CALL_ELSEWHERE).optional(),
  }),
  z.strictObject({
    type: z.literal('offer'),
    callId,
    sdp: z.string().max(LIMITS.maxSignalBytes),
    iceRestart: z.boolean().optional(),
    /** The sender moved the call to a new peer connection (relay-only turned on): answer on a new one too. */
    replace: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal('answer'), callId, sdp: z.string().max(LIMITS.maxSignalBytes) }),
  z.strictObject({
    type: z.literal('candidates'),
    callId,
    candidates: z.array(CandidateSchema).min(1).max(MAX_CANDIDATES_PER_MESSAGE),
  }),
  z.strictObject({
    type: z.literal('mute-state'),
    callId,
    audio: z.boolean(),
    video: z.boolean(),
    screen: z.boolean().optional(),
  }),
]);

export type CallControl = z.infer<typeof CallControlSchema>;

const STATE_MACHINE_TYPES: ReadonlySet<string> = new Set(['ring', 'accept', 'decline', 'busy', 'hangup']);

/** Whether a validated control message is for the state machine rather than the peer connection. */
export function isCallSignal(message: CallControl): message is CallControl & CallSignal {
  return STATE_MACHINE_TYPES.has(message.type);
}
