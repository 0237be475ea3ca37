/**
 * 1:1 calls, platform-neutral: the call state machine (CallController), the call-log line of an ended call,
 * and the call control messages' schema. Owns no peer connection and no storage: the engine's `client.calls`
 * drives WebRTC and stores log lines from the controller's events.
 */
export { CallController } from './call-controller.js';
export type { CallControllerEvents, CallControllerOptions } from './call-controller.js';
export { callLogEntryOf } from './call-log.js';
export type { CallLogEntry, CallOutcome } from './call-log.js';
export { CALL_ELSEWHERE, CALL_FAILURES, DEFAULT_CALL_TIMEOUTS, MAX_DECLINE_MESSAGE_LENGTH } from './types.js';
export type {
  CallDirection,
  CallElsewhere,
  CallEndReason,
  CallFailure,
  CallMedia,
  CallPhase,
  CallSignal,
  CallSnapshot,
  CallTimeouts,
  CallTimers,
} from './types.js';
export {
  CALL_ID_PATTERN,
  CallControlSchema,
  MAX_CANDIDATES_PER_MESSAGE,
  isCallSignal,
} from './control-messages.js';
export type { CallControl } from './control-messages.js';
export { fingerprintAuthenticated, sdpFingerprints } from './sdp-fingerprint.js';
export type { DtlsFingerprint } from './sdp-fingerprint.js';
