import type { CallEndReason, CallSnapshot } from '@parley/core';
import { formatDuration } from './call-line-text.js';

/** Replies a callee can send with one click instead of answering (WhatsApp's "decline with message"). */
export const QUICK_REPLIES = [
  'Can’t talk now. What’s up?',
  'I’ll call you right back.',
  'I’m in a meeting, I’ll call you later.',
] as const;

/** The line under the name on the call screen: what the call is doing now. */
export function callStatusText(call: CallSnapshot, name: string, now: number): string {
  const kind = call.media === 'video' ? 'video call' : 'voice call';
  switch (call.phase) {
    case 'ringing':
      return call.direction === 'outgoing' ? 'Ringing…' : `Incoming ${kind}`;
    case 'connecting':
      return 'Connecting…';
    case 'active':
      if (call.reconnecting) return 'Reconnecting…';
      return formatDuration(Math.max(0, now - (call.answeredAt ?? now)));
    case 'ended':
      return endedText(call.endReason, name);
  }
}

/** Why the call ended, in the words a person expects. */
export function endedText(reason: CallEndReason | undefined, name: string): string {
  switch (reason?.kind) {
    case 'declined':
      return `${name} declined the call`;
    case 'declined-with-message':
      return `${name} declined: ${reason.message}`;
    case 'busy':
      return `${name} is on another call`;
    case 'missed':
      return 'No answer';
    case 'answered-elsewhere':
      return 'Answered on another device';
    case 'declined-elsewhere':
      return 'Declined on another device';
    case 'cancelled':
      return 'Call cancelled';
    case 'failed':
      return reason.failure === 'fingerprint-not-authenticated'
        ? 'Call ended: it could not be end-to-end encrypted'
        : reason.failure === 'ice-failed'
          ? 'Call ended: the connection was lost'
          : 'Call ended: the call could not be set up';
    case 'hangup':
    case undefined:
      return 'Call ended';
  }
}
