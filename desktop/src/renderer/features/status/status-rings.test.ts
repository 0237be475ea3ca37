import { describe, expect, it } from 'vitest';
import type { StatusUpdate } from '@parley/core';
import {
  backgroundOf,
  contactStatusGroups,
  firstUnseenIndex,
  myStatuses,
  nextExpiry,
  ringState,
  statusAge,
} from './status-rings.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = 1_700_000_000_000;

function status(
  author: string,
  id: string,
  postedAt: number,
  extra: Partial<StatusUpdate> = {},
): StatusUpdate {
  return { statusId: id, author, text: id, postedAt, expiresAt: postedAt + DAY, viewedBy: [], ...extra };
}

describe('status rings', () => {
  it('colours a contact’s ring while any of their statuses is unopened, grey once all were opened', () => {
    expect(ringState([status('a', '1', NOW, { seen: true }), status('a', '2', NOW)])).toBe('unseen');
    expect(ringState([status('a', '1', NOW, { seen: true }), status('a', '2', NOW, { seen: true })])).toBe(
      'seen',
    );
  });

  it('lists people with something new first, then by their latest status, and leaves my own out', () => {
    const groups = contactStatusGroups(
      [
        status('old-unseen', '1', NOW - 3000),
        status('seen-recent', '2', NOW - 1000, { seen: true }),
        status('me', '3', NOW),
        status('new-unseen', '4', NOW - 2000),
        status('new-unseen', '5', NOW - 2500, { seen: true }),
      ],
      'me',
      NOW,
    );
    expect(groups.map((group) => [group.author, group.ring])).toEqual([
      ['new-unseen', 'unseen'],
      ['old-unseen', 'unseen'],
      ['seen-recent', 'seen'],
    ]);
    expect(groups[0]?.statuses.map((s) => s.statusId)).toEqual(['5', '4']);
  });

  it('drops statuses that expired, mine and theirs', () => {
    const expired = status('a', 'gone', NOW - DAY);
    expect(contactStatusGroups([expired], 'me', NOW)).toEqual([]);
    expect(myStatuses([status('me', 'mine', NOW - DAY), status('me', 'live', NOW - 5)], 'me', NOW)).toEqual([
      status('me', 'live', NOW - 5),
    ]);
  });

  it('starts the viewer at the first unopened status, or the first when all were opened', () => {
    const list = [status('a', '1', 1, { seen: true }), status('a', '2', 2), status('a', '3', 3)];
    expect(firstUnseenIndex(list)).toBe(1);
    expect(firstUnseenIndex(list.map((s) => ({ ...s, seen: true })))).toBe(0);
  });

  it('knows when the next status expires', () => {
    expect(nextExpiry([status('a', '1', NOW - 10), status('a', '2', NOW - 20)], NOW)).toBe(NOW - 20 + DAY);
    expect(nextExpiry([], NOW)).toBeUndefined();
  });

  it('says how old a status is', () => {
    expect(statusAge(NOW - 10_000, NOW)).toBe('just now');
    expect(statusAge(NOW - 5 * 60_000, NOW)).toBe('5 min ago');
    expect(statusAge(NOW - 3 * 3_600_000 - 1, NOW)).toBe('3 h ago');
  });

  it('draws an unknown background colour as the default one', () => {
    expect(backgroundOf(status('a', '1', NOW, { background: '#2a6fdb' }))).toBe('#2a6fdb');
    expect(backgroundOf(status('a', '1', NOW, { background: '#000000' }))).toBe('#1f7a5c');
  });
});
