import type { PresenceState, Reach } from '../../app/live-state.js';

// Building an Intl formatter costs about a millisecond, and every bubble on screen shows a time: one each.
const timeFormats = new Map<string | undefined, Intl.DateTimeFormat>();
const dateFormats = new Map<string | undefined, Intl.DateTimeFormat>();

function formatOf(
  cache: Map<string | undefined, Intl.DateTimeFormat>,
  locale: string | undefined,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  let format = cache.get(locale);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, options);
    cache.set(locale, format);
  }
  return format;
}

export function timeOfDay(at: number, locale?: string): string {
  return formatOf(timeFormats, locale, { hour: '2-digit', minute: '2-digit' }).format(at);
}

/** The chat list's timestamp: the time today, "Yesterday", else the short date. */
export function listTime(at: number, now: number, locale?: string): string {
  const a = new Date(at);
  const b = new Date(now);
  if (a.toDateString() === b.toDateString()) return timeOfDay(at, locale);
  const yesterday = new Date(b.getFullYear(), b.getMonth(), b.getDate() - 1);
  if (a.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return formatOf(dateFormats, locale, { day: 'numeric', month: 'numeric', year: '2-digit' }).format(at);
}

/**
 * The header's subtitle: typing beats online beats last seen; nothing when presence is not shared. Only
 * what can be known is said: without the relay and without a direct link, someone who was online reads
 * "last seen" at the moment we stopped knowing, or "online status unknown" when there is no such moment. A direct link up
 * means their app is running.
 */
export function presenceLine(
  presence: PresenceState | undefined,
  typing: boolean,
  now: number,
  locale?: string,
  reach: Reach = { relayConnected: true, direct: false },
): string {
  if (typing) return 'typing…';
  if (presence === undefined) return '';
  const known = reach.relayConnected || reach.direct;
  if (presence.online) {
    if (known) return 'online';
    return reach.lastSure === undefined ? 'online status unknown' : lastSeen(reach.lastSure, now, locale);
  }
  if (presence.lastSeen === undefined) return known ? '' : 'online status unknown';
  return lastSeen(presence.lastSeen, now, locale);
}

/** A group header's second line: the members by name, sorted, "You" last (WhatsApp's). */
export function memberLine(members: readonly string[], nameOf: (account: string) => string): string {
  const names = members.map(nameOf).sort((a, b) => a.localeCompare(b));
  return [...names, 'You'].join(', ');
}

function lastSeen(at: number, now: number, locale?: string): string {
  if (new Date(at).toDateString() === new Date(now).toDateString())
    return `last seen today at ${timeOfDay(at, locale)}`;
  return `last seen ${listTime(at, now, locale)} at ${timeOfDay(at, locale)}`;
}
