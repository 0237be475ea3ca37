import type { LinkPhase } from '@parley/core';

/** What a link attempt's screen says in each phase, on either device. */
export function phaseText(phase: LinkPhase, side: 'existing' | 'new'): string {
  switch (phase) {
    case 'waiting':
      return side === 'existing'
        ? 'Scan this code, or paste the link, on the new device'
        : 'Waiting for your other device to answer…';
    case 'comparing':
      return side === 'existing'
        ? 'Check that the new device shows the same code'
        : 'Check that your other device shows the same code, and confirm there';
    case 'linked':
      return 'Linked';
    case 'transferring':
      return 'Moving your history…';
    case 'done':
      return 'Done: this account is on both devices';
    case 'declined':
      return 'Linking was declined';
    case 'failed':
      return 'Linking stopped';
  }
}

/** The history's progress as a whole percentage (0 while the total is unknown). */
export function percent(messages: number, total: number): number {
  if (total <= 0) return messages > 0 ? 100 : 0;
  return Math.min(100, Math.floor((messages / total) * 100));
}
