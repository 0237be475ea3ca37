import type { PresenceVisibility } from '@parley/core';

const DAY = 24 * 60 * 60_000;

/** The default disappearing-message timers settings offers, as in WhatsApp. */
export const TIMER_CHOICES: readonly { readonly label: string; readonly ms: number | null }[] = [
  { label: 'Off', ms: null },
  { label: '24 hours', ms: DAY },
  { label: '7 days', ms: 7 * DAY },
  { label: '90 days', ms: 90 * DAY },
];

/** The select's value for a timer: its choice's label, or a description of another timer set elsewhere. */
export function timerLabel(ms: number | null): string {
  const choice = TIMER_CHOICES.find((option) => option.ms === ms);
  if (choice !== undefined) return choice.label;
  if (ms === null) return 'Off';
  const hours = ms / 3_600_000;
  return hours >= 48 ? `${Math.round(hours / 24)} days` : `${Math.max(1, Math.round(hours))} hours`;
}

/** Who sees "last seen & online": my contacts, nobody, or the contacts I choose. */
export type LastSeenChoice = 'contacts' | 'nobody' | 'chosen';

export const LAST_SEEN_CHOICES: readonly { readonly value: LastSeenChoice; readonly label: string }[] = [
  { value: 'contacts', label: 'My contacts' },
  { value: 'nobody', label: 'Nobody' },
  { value: 'chosen', label: 'Only the contacts I choose' },
];

export function lastSeenChoice(visibility: PresenceVisibility): LastSeenChoice {
  if (visibility.allow === 'contacts') return visibility.lastSeen ? 'contacts' : 'nobody';
  if (visibility.allow.length === 0 || !visibility.lastSeen) return 'nobody';
  return 'chosen';
}

/** The accounts currently chosen (empty unless presence is limited to a list). */
export function chosenAccounts(visibility: PresenceVisibility): readonly string[] {
  return visibility.allow === 'contacts' ? [] : visibility.allow;
}

/** client.setPresenceVisibility's argument for a choice. */
export function presenceOptions(
  choice: LastSeenChoice,
  chosen: readonly string[],
): { allow?: readonly string[]; lastSeen: boolean } {
  switch (choice) {
    case 'contacts':
      return { lastSeen: true };
    case 'nobody':
      return { allow: [], lastSeen: false };
    case 'chosen':
      return { allow: [...new Set(chosen)], lastSeen: true };
  }
}
