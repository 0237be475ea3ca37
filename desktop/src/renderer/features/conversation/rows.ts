import type { StoredMessage } from '@parley/core';

/** Messages from one sender within this long of each other share a group (one tail, one name). */
export const GROUP_GAP_MS = 5 * 60_000;

export type Row =
  | { readonly kind: 'day'; readonly key: string; readonly label: string }
  | {
      readonly kind: 'message';
      readonly key: string;
      readonly message: StoredMessage;
      /** First of a run from the same sender: draws the tail (and the sender's name in groups). */
      readonly first: boolean;
      /** Last of the run: more space below. */
      readonly last: boolean;
    };

/** Local calendar day of a timestamp, as a sortable key (yyyy-mm-dd). */
export function dayKey(at: number): string {
  const date = new Date(at);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "Today", "Yesterday", the weekday within a week, else the date. */
export function dayLabel(at: number, now: number, locale?: string): string {
  const startOf = (time: number) => {
    const date = new Date(time);
    return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
  };
  const days = Math.round((startOf(now) - startOf(at)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return new Date(at).toLocaleDateString(locale, { weekday: 'long' });
  return new Date(at).toLocaleDateString(locale, { year: 'numeric', month: 'long', day: 'numeric' });
}

/**
 * The rows of a conversation (oldest first): a day separator before the first message of each local day,
 * and each message marked first/last of its run of messages from one sender.
 */
export function buildRows(messages: readonly StoredMessage[], now: number, locale?: string): Row[] {
  const rows: Row[] = [];
  let previousDay: string | undefined;
  messages.forEach((message, index) => {
    const day = dayKey(message.sentAt);
    if (day !== previousDay) {
      rows.push({ kind: 'day', key: `day:${day}`, label: dayLabel(message.sentAt, now, locale) });
      previousDay = day;
    }
    const before = messages[index - 1];
    const after = messages[index + 1];
    rows.push({
      kind: 'message',
      key: message.id,
      message,
      first: before === undefined || !sameRun(before, message),
      last: after === undefined || !sameRun(message, after),
    });
  });
  return rows;
}

function sameRun(a: StoredMessage, b: StoredMessage): boolean {
  return (
    // A system line (a group change) stands alone and ends the run around it.
    a.kind === undefined &&
    b.kind === undefined &&
    a.sender.name === b.sender.name &&
    a.direction === b.direction &&
    dayKey(a.sentAt) === dayKey(b.sentAt) &&
    b.sentAt - a.sentAt <= GROUP_GAP_MS
  );
}
