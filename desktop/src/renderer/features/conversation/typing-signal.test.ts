import { describe, expect, it } from 'vitest';
import { TYPING_IDLE_MS, TYPING_REFRESH_MS, TypingSignal } from './typing-signal.js';

function fakeTimers() {
  let now = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  let next = 1;
  return {
    timers: {
      now: () => now,
      setTimeout: (callback: () => void, ms: number) => {
        pending.set(next, { at: now + ms, callback });
        return next++;
      },
      clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    },
    advance(ms: number) {
      now += ms;
      for (const [id, timer] of [...pending]) {
        if (timer.at <= now) {
          pending.delete(id);
          timer.callback();
        }
      }
    },
  };
}

describe('typing signal', () => {
  it('sends typing once for a burst of keystrokes and stopped after a quiet pause', () => {
    const clock = fakeTimers();
    const sent: boolean[] = [];
    const signal = new TypingSignal((typing) => sent.push(typing), clock.timers);
    signal.typed();
    clock.advance(500);
    signal.typed();
    clock.advance(500);
    signal.typed();
    expect(sent).toEqual([true]);
    clock.advance(TYPING_IDLE_MS);
    expect(sent).toEqual([true, false]);
  });

  it('repeats typing during long typing and says stopped at once when the message is sent', () => {
    const clock = fakeTimers();
    const sent: boolean[] = [];
    const signal = new TypingSignal((typing) => sent.push(typing), clock.timers);
    for (let elapsed = 0; elapsed <= TYPING_REFRESH_MS; elapsed += 1_000) {
      signal.typed();
      clock.advance(1_000);
    }
    expect(sent).toEqual([true, true]);
    signal.stop();
    signal.stop();
    expect(sent).toEqual([true, true, false]);
  });
});
