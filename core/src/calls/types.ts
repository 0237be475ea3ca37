/**
 * The vocabulary of a 1:1 call, shared by the state machine (call-controller.ts), the call log (call-log.ts)
 * and the engine's `client.calls` service. Platform-neutral: no WebRTC here, the peer connection is driven
 * from the controller's events.
 */

export type CallMedia = 'audio' | 'video';
export type CallDirection = 'outgoing' | 'incoming';

/** idle → ringing → connecting → active → ended; `ended` is final for that call id. */
export type CallPhase = 'ringing' | 'connecting' | 'active' | 'ended';

/** Why a call ended, from this device's point of view. */
export type CallEndReason =
  | { readonly kind: 'hangup'; readonly by: 'local' | 'remote' }
  | { readonly kind: 'declined' }
  | { readonly kind: 'declined-with-message'; readonly message: string }
  /** Nobody answered within the ring timeout, or the caller gave up before this side answered. */
  | { readonly kind: 'missed' }
  /** The callee was in another call; at the callee the same call reads `missed`. */
  | { readonly kind: 'busy' }
  /** The caller stopped ringing before an answer (the callee records `missed`). */
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'failed'; readonly failure: CallFailure; readonly by: 'local' | 'remote' }
  /** Linked devices: another device of this account answered the call, which stopped ringing here. */
  | { readonly kind: 'answered-elsewhere' }
  /** Linked devices: another device of this account declined the call (declined for every device). */
  | { readonly kind: 'declined-elsewhere' };

/**
 * Why a call failed. `fingerprint-not-authenticated`: the DTLS fingerprint of the media connection was not
 * the one the peer sent through the pair's encrypted session (a relay or network rewriting SDP), so the call
 * fails closed. `ice-failed`: no media path, or none again within `iceGiveUpMs` after a disconnection.
 */
export type CallFailure =
  'fingerprint-not-authenticated' | 'ice-failed' | 'media-unavailable' | 'protocol-error';

export const CALL_FAILURES: readonly CallFailure[] = [
  'fingerprint-not-authenticated',
  'ice-failed',
  'media-unavailable',
  'protocol-error',
];

/** What the UI shows about one call, emitted on every change. */
export interface CallSnapshot {
  readonly callId: string;
  /** The other party's account (a contact). */
  readonly peer: string;
  readonly direction: CallDirection;
  readonly media: CallMedia;
  readonly phase: CallPhase;
  /** When the call was placed (outgoing) or its ring arrived (incoming), on the injected clock. */
  readonly createdAt: number;
  /** When media first connected; set from `active` on. */
  readonly answeredAt?: number;
  readonly endedAt?: number;
  readonly endReason?: CallEndReason;
  /** True while an active call has lost its media path and ICE is being restarted. */
  readonly reconnecting: boolean;
}

/**
 * The call control messages the state machine sends and reads (the SDP/candidate/mute messages are the
 * peer connection's, see control-messages.ts). Each names its call id; messages for another call are stale.
 */
export type CallSignal =
  | { readonly type: 'ring'; readonly callId: string; readonly media: CallMedia }
  | { readonly type: 'accept'; readonly callId: string }
  | { readonly type: 'decline'; readonly callId: string; readonly message?: string }
  | { readonly type: 'busy'; readonly callId: string }
  | {
      readonly type: 'hangup';
      readonly callId: string;
      /** `failed` carries the failure so the other side shows the same reason. */
      readonly failure?: CallFailure;
      /**
       * Linked devices: the caller stops a device's ringing because another device of the callee's account
       * answered or declined (CALL_ELSEWHERE).
       */
      readonly elsewhere?: CallElsewhere;
    };

/** What another device of the callee's account did with a call that rang on several. */
export type CallElsewhere = 'answered' | 'declined';
export const CALL_ELSEWHERE: readonly CallElsewhere[] = ['answered', 'declined'];

export interface CallTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface CallTimeouts {
  /** How long a call rings before it is missed (45 s). */
  readonly ringMs: number;
  /** How long connecting may take before the call fails `ice-failed` (30 s). */
  readonly connectMs: number;
  /** How long an active call may stay disconnected before ICE is restarted (3 s). */
  readonly iceRestartAfterMs: number;
  /** How long an active call may stay disconnected in all before it fails `ice-failed` (30 s). */
  readonly iceGiveUpMs: number;
}

export const DEFAULT_CALL_TIMEOUTS: CallTimeouts = {
  ringMs: 45_000,
  connectMs: 30_000,
  iceRestartAfterMs: 3_000,
  iceGiveUpMs: 30_000,
};

/** Longest quick message a decline may carry (characters). */
export const MAX_DECLINE_MESSAGE_LENGTH = 500;
