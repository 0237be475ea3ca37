import { describe, expect, it } from 'vitest';
import { TypedEmitter, type ParleyClientEvents, type StoredMessage } from '@parley/core';
import { LiveState, TYPING_TTL_MS } from './live-state.js';

/** The events a ParleyClient emits, emitted by hand (LiveState only listens). */
class Events extends TypedEmitter<ParleyClientEvents> {
  fire<K extends keyof ParleyClientEvents & string>(event: K, payload: ParleyClientEvents[K]): void {
    this.emit(event, payload);
  }
}

function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 1;
  return {
    timers: {
      setTimeout: (callback: () => void) => {
        pending.set(next, callback);
        return next++;
      },
      clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    },
    fireAll: () => {
      const due = [...pending.values()];
      pending.clear();
      due.forEach((callback) => callback());
    },
    pending,
  };
}

describe('live state', () => {
  it('moves the reactions version only for own reactions, not for other local changes, and says so', () => {
    const live = new LiveState(new Events(), manualTimers().timers);
    let notified = 0;
    live.subscribe(() => (notified += 1));
    live.localChange();
    expect([live.localVersion, live.reactionsVersion, notified]).toEqual([1, 0, 1]);
    live.reactionChange();
    expect([live.localVersion, live.reactionsVersion, notified]).toEqual([1, 1, 2]);
  });

  it('keeps the latest route per conversation and presence per account', () => {
    const events = new Events();
    const live = new LiveState(events, manualTimers().timers);
    events.fire('route', { conversationId: 'direct:a', route: 'relay' });
    events.fire('route', { conversationId: 'direct:a', route: 'direct' });
    events.fire('presence', { account: 'a', online: false, lastSeen: 10 });
    expect(live.route('direct:a')).toBe('direct');
    expect(live.presence('a')).toEqual({ online: false, lastSeen: 10 });
  });

  it(`ends "typing" when told, when a message from them arrives, or after ${TYPING_TTL_MS} ms of silence`, () => {
    const events = new Events();
    const clock = manualTimers();
    const live = new LiveState(events, clock.timers);
    let changes = 0;
    live.subscribe(() => (changes += 1));
    events.fire('typing', { account: 'a', typing: true });
    expect(live.isTyping('a')).toBe(true);
    events.fire('message', {
      message: { sender: { name: 'a', deviceId: 1 } } as StoredMessage,
      via: 'relay',
    });
    expect(live.isTyping('a')).toBe(false);
    events.fire('typing', { account: 'a', typing: true });
    clock.fireAll();
    expect(live.isTyping('a')).toBe(false);
    expect(changes).toBe(4);
    live.close();
    expect(clock.pending.size).toBe(0);
  });

  it('knows when the relay was lost and when a direct link fell back to the relay', () => {
    const events = new Events();
    let clock = 1_000;
    const live = new LiveState(events, { ...manualTimers().timers, now: () => clock });
    events.fire('connected', { relayUrl: 'http://r' });
    events.fire('route', { conversationId: 'direct:a', route: 'direct' });
    events.fire('route', { conversationId: 'direct:b', route: 'relay' });
    expect(live.reach('direct:a')).toEqual({ relayConnected: true, direct: true });
    expect(live.directCount()).toBe(1);

    clock = 2_000;
    events.fire('disconnected', { relayUrl: 'http://r', reason: 'transport close' });
    expect(live.relayConnected).toBe(false);
    expect(live.reach('direct:b')).toEqual({ relayConnected: false, direct: false, lastSure: 2_000 });

    clock = 3_000;
    events.fire('route', { conversationId: 'direct:a', route: 'relay' });
    expect(live.reach('direct:a')).toEqual({ relayConnected: false, direct: false, lastSure: 3_000 });
    expect(live.directCount()).toBe(0);

    events.fire('connected', { relayUrl: 'http://r' });
    expect(live.reach('direct:b')).toEqual({ relayConnected: true, direct: false });
  });
});
