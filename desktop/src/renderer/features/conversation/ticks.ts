import type { MessageState } from '@parley/core';

export interface Tick {
  /** What is drawn: ◷ pending, ✓ sent, ✓✓ delivered or read, ! failed. */
  readonly glyph: string;
  /** The accessible name (and tooltip). */
  readonly label: string;
  /** Read ticks are coloured. */
  readonly tone: 'muted' | 'read' | 'error';
}

/** The tick under an outgoing bubble for its state; incoming messages have none. */
export function tickFor(state: MessageState): Tick | undefined {
  switch (state) {
    case 'pending':
      return { glyph: '◷', label: 'Pending', tone: 'muted' };
    case 'sent':
      return { glyph: '✓', label: 'Sent', tone: 'muted' };
    case 'delivered':
      return { glyph: '✓✓', label: 'Delivered', tone: 'muted' };
    case 'read':
      return { glyph: '✓✓', label: 'Read', tone: 'read' };
    case 'failed':
      return { glyph: '!', label: 'Not sent', tone: 'error' };
    case 'received':
      return undefined;
  }
}
