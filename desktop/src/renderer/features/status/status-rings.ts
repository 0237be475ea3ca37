import type { StatusUpdate } from '@parley/core';

/** A contact's ring: coloured while one of their statuses is unopened, grey once all were opened. */
export type RingState = 'unseen' | 'seen';

export interface StatusGroup {
  readonly author: string;
  /** Oldest first: the order the viewer plays them. */
  readonly statuses: readonly StatusUpdate[];
  readonly ring: RingState;
  readonly latestAt: number;
}

export function ringState(statuses: readonly StatusUpdate[]): RingState {
  return statuses.some((status) => status.seen !== true) ? 'unseen' : 'seen';
}

/** Statuses still alive at `now`. */
export function alive(statuses: readonly StatusUpdate[], now: number): StatusUpdate[] {
  return statuses.filter((status) => status.expiresAt > now);
}

/** My own live statuses, oldest first. */
export function myStatuses(statuses: readonly StatusUpdate[], self: string, now: number): StatusUpdate[] {
  return oldestFirst(alive(statuses, now).filter((status) => status.author === self));
}

/**
 * Contacts' live statuses by author, as the strip lists them: people with something unopened first, then
 * by their latest status, newest first.
 */
export function contactStatusGroups(
  statuses: readonly StatusUpdate[],
  self: string,
  now: number,
): StatusGroup[] {
  const byAuthor = new Map<string, StatusUpdate[]>();
  for (const status of alive(statuses, now)) {
    if (status.author === self) continue;
    const list = byAuthor.get(status.author) ?? [];
    list.push(status);
    byAuthor.set(status.author, list);
  }
  const groups = [...byAuthor].map(([author, list]): StatusGroup => {
    const ordered = oldestFirst(list);
    return {
      author,
      statuses: ordered,
      ring: ringState(ordered),
      latestAt: Math.max(...ordered.map((status) => status.postedAt)),
    };
  });
  return groups.sort((a, b) => {
    if (a.ring !== b.ring) return a.ring === 'unseen' ? -1 : 1;
    return b.latestAt - a.latestAt;
  });
}

/** Where the viewer starts: the first status not yet opened, else the first. */
export function firstUnseenIndex(statuses: readonly StatusUpdate[]): number {
  const index = statuses.findIndex((status) => status.seen !== true);
  return index === -1 ? 0 : index;
}

/** When the next of these statuses expires (to re-read the list then), or undefined when none will. */
export function nextExpiry(statuses: readonly StatusUpdate[], now: number): number | undefined {
  const future = statuses.map((status) => status.expiresAt).filter((at) => at > now);
  return future.length === 0 ? undefined : Math.min(...future);
}

/** "just now", "5 min ago", "3 h ago": how old a status is (they live at most a day). */
export function statusAge(postedAt: number, now: number): string {
  const minutes = Math.floor(Math.max(0, now - postedAt) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.floor(minutes / 60)} h ago`;
}

/** Background colours offered for a text status, with names for their radio buttons. */
export const STATUS_BACKGROUNDS = [
  { colour: '#1f7a5c', name: 'Green' },
  { colour: '#2a6fdb', name: 'Blue' },
  { colour: '#7b3fb8', name: 'Purple' },
  { colour: '#c2410c', name: 'Orange' },
  { colour: '#b91c5c', name: 'Pink' },
  { colour: '#334155', name: 'Slate' },
] as const;

export const DEFAULT_BACKGROUND = STATUS_BACKGROUNDS[0].colour;

/** The colour to draw a received status on: its own if it is one we offer, else the default. */
export function backgroundOf(status: StatusUpdate): string {
  const known = STATUS_BACKGROUNDS.find((entry) => entry.colour === status.background);
  return known?.colour ?? DEFAULT_BACKGROUND;
}

function oldestFirst(list: readonly StatusUpdate[]): StatusUpdate[] {
  return [...list].sort((a, b) => a.postedAt - b.postedAt);
}
