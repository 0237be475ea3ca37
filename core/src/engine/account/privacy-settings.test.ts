import { describe, expect, it } from 'vitest';
import { MAX_DISAPPEARING_TIMER_MS, checkTimer } from './privacy-settings.js';

const DAY = 24 * 60 * 60_000;

describe('disappearing-message timer choices', () => {
  it('accepts off and every timer settings offers, up to 90 days', () => {
    expect(checkTimer(null)).toBeNull();
    for (const days of [1, 7, 90]) expect(checkTimer(days * DAY)).toBe(days * DAY);
    expect(MAX_DISAPPEARING_TIMER_MS).toBe(90 * DAY);
  });

  it('refuses a timer longer than 90 days, shorter than a second, or not a whole number', () => {
    for (const bad of [90 * DAY + 1, 999, 0, -DAY, 1000.5, Number.NaN]) {
      expect(() => checkTimer(bad)).toThrow(/between 1 s and/);
    }
  });
});
