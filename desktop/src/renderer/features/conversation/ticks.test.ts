import { describe, expect, it } from 'vitest';
import type { MessageState } from '@parley/core';
import { tickFor } from './ticks.js';

describe('message ticks', () => {
  it('shows a clock, one tick, two ticks and two coloured ticks as a message moves to read', () => {
    const states: MessageState[] = ['pending', 'sent', 'delivered', 'read'];
    expect(states.map((state) => tickFor(state))).toEqual([
      { glyph: '◷', label: 'Pending', tone: 'muted' },
      { glyph: '✓', label: 'Sent', tone: 'muted' },
      { glyph: '✓✓', label: 'Delivered', tone: 'muted' },
      { glyph: '✓✓', label: 'Read', tone: 'read' },
    ]);
  });

  it('marks a failed message and draws nothing under a received one', () => {
    expect(tickFor('failed')).toMatchObject({ label: 'Not sent', tone: 'error' });
    expect(tickFor('received')).toBeUndefined();
  });
});
