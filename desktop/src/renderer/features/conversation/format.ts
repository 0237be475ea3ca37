import type { PresenceState } from '../../app/live-state.js';

export function timeOfDay(at: number, locale?: string): string {
  return new Date(at).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}

/** The chat list's timestamp: the time today, "Yesterday", else the short date. */
export function listTime(at: number, now: number, locale?: string): string {
  const a = new Date(at);
  const b = new Date(now);
  if (a.toDateString() === b.toDateString()) return timeOfDay(at, locale);
  const yesterday = new Date(b.getFullYear(), b.getMonth(), b.getDate() - 1);
  if (a.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return a.toLocaleDateString(locale, { day: 'numeric', month: 'numeric', year: '2-digit' });
}

/** The header's subtitle: typing beats online beats last seen; nothing when presence is not shared. */
export function presenceLine(
  presence: PresenceState | undefined,
  typing: boolean,
  now: number,
  locale?: string,
): string {
  if (typing) return 'typing…';
  if (presence === undefined) return '';
  if (presence.online) return 'online';
  if (presence.lastSeen === undefined) return '';
  const a = new Date(presence.lastSeen);
  if (a.toDateString() === new Date(now).toDateString())
    return `last seen today at ${timeOfDay(presence.lastSeen, locale)}`;
  return `last seen ${listTime(presence.lastSeen, now, locale)} at ${timeOfDay(presence.lastSeen, locale)}`;
}
