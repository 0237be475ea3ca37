import { describe, expect, it } from 'vitest';
import { EarlyChunks } from './early-chunks.js';

const chunk = (id: string, index: number) => ({
  t: 'chunk' as const,
  id,
  index,
  bytes: new Uint8Array(1000),
});
const hello = (id: string, eager?: number) => ({
  t: 'hello' as const,
  id,
  size: 10_000,
  chunkSize: 1000,
  ...(eager === undefined ? {} : { eager }),
});

describe('EarlyChunks', () => {
  it('lets go of a burst nobody claimed within 30 s, and its hello then loses eager', () => {
    let now = 0;
    const early = new EarlyChunks(() => now);
    early.hello('old', 3);
    expect([0, 1, 2].map((index) => early.hold(chunk('old', index)))).toEqual([true, true, true]);
    expect(early.heldBytes).toBe(3000);
    now = 30_001;
    early.hello('new', 2); // a new hello is when stale holds are noticed
    expect(early.heldBytes).toBe(0);
    expect(early.claim(hello('old', 3))).toEqual({ hello: hello('old'), chunks: [] });
  });

  it('keeps at most what the hello announced, and gives the claimed hello its chunks in order', () => {
    const early = new EarlyChunks();
    early.hello('f', 2);
    expect(early.hold(chunk('f', 0))).toBe(true);
    expect(early.hold(chunk('f', 1))).toBe(true);
    const { hello: given, chunks } = early.claim(hello('f', 2));
    expect(given).toEqual(hello('f', 2));
    expect(chunks.map((c) => c.index)).toEqual([0, 1]);
    expect(early.heldBytes).toBe(0);
  });

  it('refuses a burst that goes past its hello: drops the rest of it, then lets the resend through', () => {
    const early = new EarlyChunks();
    early.hello('f', 2);
    early.hold(chunk('f', 0));
    early.hold(chunk('f', 1));
    expect(early.hold(chunk('f', 2))).toBe(true); // refused, dropped
    expect(early.heldBytes).toBe(0);
    expect(early.claim(hello('f', 2)).hello).toEqual(hello('f'));
    // The sender starts again from the receiver's ack: chunk 0 is out of the refused sequence and passes.
    expect(early.skips(chunk('f', 0))).toBe(false);
  });
});
