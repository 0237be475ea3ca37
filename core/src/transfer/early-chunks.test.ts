import { describe, expect, it } from 'vitest';
import { EarlyChunks } from './early-chunks.js';

const chunk = (id: string, index: number) => ({
  t: 'chunk' as const,
  id,
  index,
  bytes: new Uint8Array(1000),
});

/** `eager`, then the hello, as a sender sends them. */
function announced(early: EarlyChunks, id: string, chunks: number): void {
  early.announce(id, chunks);
  early.hello(id);
}

describe('EarlyChunks', () => {
  it('lets go of a burst nobody claimed within 30 s; its receiver is then not told of it', () => {
    let now = 0;
    const early = new EarlyChunks(() => now);
    announced(early, 'old', 3);
    expect([0, 1, 2].map((index) => early.hold(chunk('old', index)))).toEqual([true, true, true]);
    expect(early.heldBytes).toBe(3000);
    now = 30_001;
    announced(early, 'new', 2); // a new burst is when stale holds are noticed
    expect(early.heldBytes).toBe(0);
    expect(early.claim('old')).toBeUndefined();
  });

  it('keeps at most what was announced, and gives the claiming receiver its chunks in order', () => {
    const early = new EarlyChunks();
    announced(early, 'f', 2);
    expect(early.hold(chunk('f', 0))).toBe(true);
    expect(early.hold(chunk('f', 1))).toBe(true);
    const held = early.claim('f');
    expect(held?.eager).toBe(2);
    expect(held?.chunks.map((c) => c.index)).toEqual([0, 1]);
    expect(early.heldBytes).toBe(0);
  });

  it('holds nothing for a hello that no eager announced', () => {
    const early = new EarlyChunks();
    early.hello('plain');
    expect(early.hold(chunk('plain', 0))).toBe(false);
    expect(early.claim('plain')).toBeUndefined();
  });

  it('refuses a burst that goes past its announcement: drops the rest of it, then lets the resend through', () => {
    const early = new EarlyChunks();
    announced(early, 'f', 2);
    early.hold(chunk('f', 0));
    early.hold(chunk('f', 1));
    expect(early.hold(chunk('f', 2))).toBe(true); // refused, dropped
    expect(early.heldBytes).toBe(0);
    expect(early.claim('f')).toBeUndefined();
    // The sender starts again from the receiver's ack: chunk 0 is out of the refused sequence and passes.
    expect(early.skips(chunk('f', 0))).toBe(false);
  });
});
