import type { CallLogEntry } from '@parley/core';

/**
 * The words of a call-log line: "Outgoing video call · 1:05", "Missed voice call", "Declined: In a meeting".
 */
export function describeCallLine(entry: CallLogEntry): string {
  const kind = entry.media === 'video' ? 'video call' : 'voice call';
  const way = entry.direction === 'outgoing' ? 'Outgoing' : 'Incoming';
  switch (entry.outcome) {
    case 'answered':
      return `${way} ${kind} · ${formatDuration(entry.durationMs ?? 0)}`;
    case 'missed':
      return entry.direction === 'incoming' ? `Missed ${kind}` : `${way} ${kind} · no answer`;
    case 'declined':
      return `${way} ${kind} · declined${entry.message !== undefined ? `: ${entry.message}` : ''}`;
    case 'busy':
      return `${way} ${kind} · busy`;
    case 'answered-elsewhere':
      return `${way} ${kind} · answered on another device`;
    case 'cancelled':
      return `${way} ${kind} · cancelled`;
    case 'failed':
      return `${way} ${kind} · failed${entry.failure === 'fingerprint-not-authenticated' ? ' (not end-to-end encrypted)' : ''}`;
  }
}

/** m:ss, or h:mm:ss from an hour. */
export function formatDuration(ms: number): string {
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
