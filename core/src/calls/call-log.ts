import type { CallDirection, CallFailure, CallMedia, CallSnapshot } from './types.js';

/**
 * The line a finished call leaves in its conversation: who called, and how it went. Stored like a
 * group-change line (an unsent, never-unread message whose text is this JSON); `durationMs` only for
 * answered calls.
 */
export type CallOutcome =
  | 'answered'
  | 'missed'
  | 'declined'
  | 'busy'
  | 'cancelled'
  | 'failed'
  /** Linked devices: it rang here, and another device of this account took it. */
  | 'answered-elsewhere';

export interface CallLogEntry {
  readonly callId: string;
  readonly peer: string;
  readonly direction: CallDirection;
  readonly media: CallMedia;
  readonly outcome: CallOutcome;
  /** When the call was placed or rang here. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** From media connected to the end; answered calls only. */
  readonly durationMs?: number;
  /** The callee's quick message with a decline. */
  readonly message?: string;
  readonly failure?: CallFailure;
}

/** The log line of an ended call. */
export function callLogEntryOf(call: CallSnapshot): CallLogEntry {
  const reason = call.endReason;
  const endedAt = call.endedAt ?? call.createdAt;
  const base = {
    callId: call.callId,
    peer: call.peer,
    direction: call.direction,
    media: call.media,
    startedAt: call.createdAt,
    endedAt,
  };
  const answered =
    call.answeredAt !== undefined ? { durationMs: Math.max(0, endedAt - call.answeredAt) } : {};
  switch (reason?.kind) {
    case 'hangup':
      return { ...base, outcome: 'answered', durationMs: 0, ...answered };
    case 'failed':
      return call.answeredAt !== undefined
        ? { ...base, outcome: 'answered', ...answered, failure: reason.failure }
        : { ...base, outcome: 'failed', failure: reason.failure };
    case 'declined':
    case 'declined-elsewhere':
      return { ...base, outcome: 'declined' };
    case 'answered-elsewhere':
      return { ...base, outcome: 'answered-elsewhere' };
    case 'declined-with-message':
      return { ...base, outcome: 'declined', message: reason.message };
    case 'busy':
      return { ...base, outcome: 'busy' };
    case 'cancelled':
      // The callee of a cancelled call records it as missed; the caller as cancelled.
      return { ...base, outcome: 'cancelled' };
    case 'missed':
    case undefined:
      return { ...base, outcome: 'missed' };
  }
}
