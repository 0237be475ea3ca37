import { describe, expect, it } from 'vitest';
import { gridShape, layoutMode } from './grid-layout.js';

describe('the group call grid', () => {
  it('fills the area with one tile, puts two side by side in a wide window', () => {
    expect(gridShape(1, 1000, 600)).toEqual({ columns: 1, rows: 1 });
    expect(gridShape(2, 1000, 600)).toEqual({ columns: 2, rows: 1 });
  });

  it('holds sixteen tiles in four rows or fewer in a wide window, every tile placed', () => {
    const shape = gridShape(16, 1100, 700);
    expect(shape.columns * shape.rows).toBeGreaterThanOrEqual(16);
    expect(shape.rows).toBeLessThanOrEqual(4);
  });

  it('stacks tiles in a tall, narrow window', () => {
    expect(gridShape(4, 360, 1200).columns).toBe(1);
  });

  it('shows a pinned tile large only while that tile is in the call', () => {
    expect(layoutMode('bob', ['alice', 'bob'])).toBe('pinned');
    expect(layoutMode('carol', ['alice', 'bob'])).toBe('grid');
    expect(layoutMode(undefined, ['alice', 'bob'])).toBe('grid');
  });
});
