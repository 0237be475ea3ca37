import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '@parley/core';
import { buildRows, dayLabel } from './rows.js';
import { presenceLine } from './format.js';

function message(
  id: string,
  sentAt: number,
  from: string,
  direction: 'incoming' | 'outgoing',
): StoredMessage {
  return {
    id,
    conversationId: 'direct:x',
    sender: { name: from, deviceId: 1 },
    sentAt,
    senderCounter: 0,
    receivedAt: sentAt,
    direction,
    state: direction === 'incoming' ? 'received' : 'sent',
    text: id,
    sortKey: [sentAt, 0, from, 1, id],
  };
}

const at = (day: number, hour: number, minute = 0) => new Date(2026, 10, day, hour, minute).getTime();

describe('conversation rows', () => {
  it('puts a day separator before the first message of each day', () => {
    const rows = buildRows(
      [
        message('a', at(20, 23, 50), 'bob', 'incoming'),
        message('b', at(21, 0, 10), 'bob', 'incoming'),
        message('c', at(21, 9), 'me', 'outgoing'),
      ],
      at(21, 12),
    );
    expect(rows.map((row) => (row.kind === 'day' ? `[${row.label}]` : row.key))).toEqual([
      '[Yesterday]',
      'a',
      '[Today]',
      'b',
      'c',
    ]);
  });

  it('groups consecutive messages from one sender and starts a new run on another sender or a long pause', () => {
    const rows = buildRows(
      [
        message('a', at(21, 9, 0), 'bob', 'incoming'),
        message('b', at(21, 9, 1), 'bob', 'incoming'),
        message('c', at(21, 9, 2), 'me', 'outgoing'),
        message('d', at(21, 9, 30), 'me', 'outgoing'),
      ],
      at(21, 12),
    );
    const runs = rows.flatMap((row) => (row.kind === 'message' ? [[row.key, row.first, row.last]] : []));
    expect(runs).toEqual([
      ['a', true, false],
      ['b', false, true],
      ['c', true, true],
      ['d', true, true],
    ]);
  });

  it('ends a run at a group-change line, which stands alone', () => {
    const rows = buildRows(
      [
        message('a', at(21, 9, 0), 'bob', 'incoming'),
        { ...message('line', at(21, 9, 1), 'bob', 'incoming'), kind: 'group-change' },
        message('b', at(21, 9, 2), 'bob', 'incoming'),
      ],
      at(21, 12),
    );
    const runs = rows.flatMap((row) => (row.kind === 'message' ? [[row.key, row.first, row.last]] : []));
    expect(runs).toEqual([
      ['a', true, true],
      ['line', true, true],
      ['b', true, true],
    ]);
  });

  it('names days within a week by weekday and older days by date', () => {
    const now = at(21, 12);
    expect(dayLabel(at(18, 12), now, 'en-GB')).toBe(
      new Date(at(18, 12)).toLocaleDateString('en-GB', { weekday: 'long' }),
    );
    expect(dayLabel(at(1, 12), now, 'en-GB')).toBe('1 November 2026');
  });
});

describe('presence line', () => {
  it('says typing before online, and last seen when offline', () => {
    const now = at(21, 12);
    expect(presenceLine({ online: true }, true, now)).toBe('typing…');
    expect(presenceLine({ online: true }, false, now)).toBe('online');
    expect(presenceLine({ online: false, lastSeen: at(21, 9, 5) }, false, now, 'en-GB')).toBe(
      'last seen today at 09:05',
    );
    expect(presenceLine(undefined, false, now)).toBe('');
  });
});

describe('presence line without the relay', () => {
  const now = at(21, 12);
  const lost = at(21, 11, 40);

  it('says "last seen" at the moment the relay was lost for someone who was online, not "online"', () => {
    expect(
      presenceLine({ online: true }, false, now, 'en-GB', {
        relayConnected: false,
        direct: false,
        lastSure: lost,
      }),
    ).toBe('last seen today at 11:40');
    expect(
      presenceLine({ online: true }, false, now, 'en-GB', { relayConnected: false, direct: false }),
    ).toBe('online status unknown');
  });

  it('still says online over a direct link, which shows their app is running', () => {
    expect(presenceLine({ online: true }, false, now, 'en-GB', { relayConnected: false, direct: true })).toBe(
      'online',
    );
  });

  it('keeps a known last seen, and says nothing when presence is not shared', () => {
    const reach = { relayConnected: false, direct: false, lastSure: lost };
    expect(presenceLine({ online: false, lastSeen: at(21, 9, 5) }, false, now, 'en-GB', reach)).toBe(
      'last seen today at 09:05',
    );
    expect(presenceLine(undefined, false, now, 'en-GB', reach)).toBe('');
  });
});
