import { describe, expect, it } from 'vitest';
import {
  chosenAccounts,
  lastSeenChoice,
  presenceOptions,
  timerLabel,
  TIMER_CHOICES,
} from './privacy-choices.js';

const DAY = 24 * 60 * 60_000;

describe('privacy choices', () => {
  it('offers off, 24 hours, 7 days and 90 days as the default disappearing timer', () => {
    expect(TIMER_CHOICES.map((choice) => choice.ms)).toEqual([null, DAY, 7 * DAY, 90 * DAY]);
    expect(timerLabel(7 * DAY)).toBe('7 days');
    expect(timerLabel(null)).toBe('Off');
  });

  it('describes a timer set elsewhere that is not one of the choices', () => {
    expect(timerLabel(3 * DAY)).toBe('3 days');
    expect(timerLabel(5 * 3_600_000)).toBe('5 hours');
  });

  it('maps last seen & online choices to presence visibility and back', () => {
    expect(presenceOptions('contacts', ['x'])).toEqual({ lastSeen: true });
    expect(presenceOptions('nobody', ['x'])).toEqual({ allow: [], lastSeen: false });
    expect(presenceOptions('chosen', ['a', 'b', 'a'])).toEqual({ allow: ['a', 'b'], lastSeen: true });
    expect(lastSeenChoice({ allow: 'contacts', lastSeen: true })).toBe('contacts');
    expect(lastSeenChoice({ allow: [], lastSeen: false })).toBe('nobody');
    expect(lastSeenChoice({ allow: ['a'], lastSeen: true })).toBe('chosen');
    expect(chosenAccounts({ allow: ['a'], lastSeen: true })).toEqual(['a']);
    expect(chosenAccounts({ allow: 'contacts', lastSeen: true })).toEqual([]);
  });
});
