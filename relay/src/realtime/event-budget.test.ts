import { describe, expect, it } from 'vitest';
import { EventBudget } from './event-budget.js';

describe('event budgets', () => {
  it('allows the configured number of events per window and says how long to wait after that', () => {
    let now = 1_000;
    const budget = new EventBudget(3, 1_000, () => now);
    expect([budget.take('a'), budget.take('a'), budget.take('a')]).toEqual([0, 0, 0]);
    now += 400;
    expect(budget.take('a')).toBe(600);
    expect(budget.take('b')).toBe(0);
    now += 600;
    expect(budget.take('a')).toBe(0);
  });

  it('forgets keys whose window ran out, so idle connections cost nothing', () => {
    let now = 0;
    const budget = new EventBudget(1, 1_000, () => now);
    for (let i = 0; i < 100; i += 1) budget.take(`key-${i}`);
    now += 5_000;
    budget.take('fresh');
    expect((budget as unknown as { windows: Map<string, unknown> }).windows.size).toBe(1);
  });
});
