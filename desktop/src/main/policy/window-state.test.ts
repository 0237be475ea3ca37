import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW_SIZE,
  MIN_WINDOW_SIZE,
  parseWindowState,
  restoreWindowState,
} from './window-state.js';

const laptop = { x: 0, y: 25, width: 1440, height: 875 };
const external = { x: 1440, y: 0, width: 2560, height: 1440 };

describe('window state', () => {
  it('reopens where it was on a display that is still there', () => {
    const saved = { bounds: { x: 1600, y: 100, width: 1200, height: 900 }, maximized: false };
    expect(restoreWindowState(saved, [laptop, external])).toEqual(saved);
  });

  it('moves a window whose display was unplugged onto the primary display, keeping the size that fits', () => {
    const saved = { bounds: { x: 1600, y: 100, width: 1200, height: 900 }, maximized: true };
    const restored = restoreWindowState(saved, [laptop]);
    expect(restored.maximized).toBe(true);
    expect(restored.bounds.width).toBe(1200);
    expect(restored.bounds.height).toBe(875);
    expect(restored.bounds.x).toBeGreaterThanOrEqual(laptop.x);
    expect(restored.bounds.x + restored.bounds.width).toBeLessThanOrEqual(laptop.x + laptop.width);
  });

  it('moves a window whose title bar is off screen back on', () => {
    const saved = { bounds: { x: 100, y: -2000, width: 800, height: 600 }, maximized: false };
    const restored = restoreWindowState(saved, [laptop]);
    expect(restored.bounds.y).toBeGreaterThanOrEqual(laptop.y);
  });

  it('opens at the default size, centred, the first time', () => {
    const restored = restoreWindowState(undefined, [laptop]);
    expect(restored.bounds).toMatchObject(DEFAULT_WINDOW_SIZE);
    expect(restored.bounds.x).toBe(Math.round((1440 - DEFAULT_WINDOW_SIZE.width) / 2));
  });

  it('never restores a window smaller than the minimum', () => {
    const saved = { bounds: { x: 10, y: 30, width: 5, height: 5 }, maximized: false };
    expect(restoreWindowState(saved, [laptop]).bounds).toMatchObject(MIN_WINDOW_SIZE);
  });

  it('ignores a missing or damaged state file', () => {
    expect(parseWindowState(undefined)).toBeUndefined();
    expect(parseWindowState('{not json')).toBeUndefined();
    expect(parseWindowState('{"bounds":{"x":"1e999"},"maximized":false}')).toBeUndefined();
    expect(
      parseWindowState('{"bounds":{"x":0,"y":0,"width":-4,"height":10},"maximized":false}'),
    ).toBeUndefined();
    expect(
      parseWindowState(JSON.stringify({ bounds: { x: 1, y: 2, width: 800, height: 600 }, maximized: true })),
    ).toEqual({ bounds: { x: 1, y: 2, width: 800, height: 600 }, maximized: true });
  });
});
