import { describe, expect, it } from 'vitest';
import { SinkQueue } from './sink-queue.js';

describe('SinkQueue', () => {
  it('writes at once, in order, while every write finishes at once', () => {
    const written: number[] = [];
    const queue = new SinkQueue<number>((entry) => {
      written.push(entry);
      return undefined;
    });
    for (let entry = 0; entry < 5; entry += 1) queue.push(entry);
    expect(written).toEqual([0, 1, 2, 3, 4]);
  });

  it('holds what comes behind a pending write until it settles, then goes on in order', async () => {
    const written: number[] = [];
    let release!: () => void;
    const queue = new SinkQueue<number>((entry) => {
      written.push(entry);
      if (entry !== 1) return undefined;
      return new Promise<void>((resolve) => (release = resolve));
    });
    queue.push(0);
    queue.push(1);
    queue.push(2);
    queue.push(3);
    expect(written).toEqual([0, 1]);
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(written).toEqual([0, 1, 2, 3]);
  });
});
