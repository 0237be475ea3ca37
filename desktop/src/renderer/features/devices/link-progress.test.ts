import { describe, expect, it } from 'vitest';
import { percent, phaseText } from './link-progress.js';

describe('link progress', () => {
  it('counts the history in whole percent, never past 100', () => {
    expect(percent(0, 10_000)).toBe(0);
    expect(percent(4_999, 10_000)).toBe(49);
    expect(percent(10_000, 10_000)).toBe(100);
    expect(percent(10_002, 10_000)).toBe(100);
    expect(percent(0, 0)).toBe(0);
  });

  it('tells each side what to do while the codes are compared', () => {
    expect(phaseText('comparing', 'existing')).toMatch(/same code/);
    expect(phaseText('comparing', 'new')).toMatch(/confirm there/);
  });
});
