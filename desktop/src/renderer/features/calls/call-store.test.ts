import { describe, expect, it } from 'vitest';
import type { CallSnapshot, ParleyClient } from '@parley/core';
import type { CallMediaSource } from '../../platform/call-media.dom.js';
import { CallStore } from './call-store.dom.js';

/** A track as the store sees one: kind, readyState, stop, 'ended' listeners. */
class FakeTrack {
  readyState = 'live';
  readonly listeners: (() => void)[] = [];
  constructor(readonly kind: 'audio' | 'video') {}
  stop(): void {
    this.readyState = 'ended';
  }
  addEventListener(_type: 'ended', listener: () => void): void {
    this.listeners.push(listener);
  }
  getSettings() {
    return { deviceId: 'default' };
  }
}
const track = (kind: 'audio' | 'video') => new FakeTrack(kind) as unknown as MediaStreamTrack;
const stream = (...tracks: MediaStreamTrack[]) =>
  ({
    getTracks: () => tracks,
    getAudioTracks: () => tracks.filter((t) => t.kind === 'audio'),
    getVideoTracks: () => tracks.filter((t) => t.kind === 'video'),
  }) as unknown as MediaStream;

const ringing: CallSnapshot = {
  callId: 'c1',
  peer: 'alice',
  direction: 'incoming',
  media: 'video',
  phase: 'ringing',
  createdAt: 0,
  reconnecting: false,
};

/** client.calls recorded, with the events the store listens to. */
function fakeClient() {
  const listeners = new Map<string, (payload: unknown) => void>();
  const done: [string, ...unknown[]][] = [];
  let current: CallSnapshot | undefined;
  const emit = (event: string, payload: unknown) => listeners.get(event)?.(payload);
  const calls = {
    get current() {
      return current;
    },
    place: (peer: string, options: unknown) => {
      done.push(['place', peer, options]);
      current = { ...ringing, peer, direction: 'outgoing' };
      emit('call-state', current);
      return current;
    },
    accept: (callId: string, options: unknown) => {
      done.push(['accept', callId, options]);
      current = { ...ringing, phase: 'connecting' };
      emit('call-state', current);
    },
    setMuted: (callId: string, muted: unknown) => done.push(['setMuted', callId, muted]),
    replaceTrack: (callId: string, t: MediaStreamTrack) => done.push(['replaceTrack', callId, t.kind]),
    shareScreen: (callId: string, t: MediaStreamTrack | undefined) =>
      done.push(['shareScreen', callId, t?.kind]),
  };
  const client = {
    calls,
    on: (event: string, listener: (payload: unknown) => void) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
  };
  const ring = () => {
    current = ringing;
    emit('call-state', ringing);
  };
  const end = () => {
    const ended = { ...(current ?? ringing), phase: 'ended' as const };
    current = undefined;
    emit('call-state', ended);
  };
  // The store uses client.on and client.calls only; the rest of ParleyClient is not needed here.
  return { client: client as unknown as ParleyClient, done, ring, end, emit };
}

function media(overrides: Partial<CallMediaSource> = {}): CallMediaSource {
  return {
    userMedia: (video) => Promise.resolve(stream(track('audio'), ...(video ? [track('video')] : []))),
    track: (kind) => Promise.resolve(track(kind)),
    screenSources: () => undefined,
    screen: () => Promise.resolve(track('video')),
    devices: () => Promise.resolve({ microphones: [], cameras: [], speakers: [] }),
    setSpeaker: () => Promise.resolve(true),
    ...overrides,
  };
}

describe('the call store', () => {
  it('answers a video call without video: no camera is asked for, and the engine is told', async () => {
    const asked: boolean[] = [];
    const fake = fakeClient();
    const store = new CallStore(
      fake.client,
      media({ userMedia: (video) => (asked.push(video), Promise.resolve(stream(track('audio')))) }),
    );
    fake.ring();
    await store.accept(false);
    expect(asked).toEqual([false]);
    expect(fake.done[0]).toEqual(['accept', 'c1', expect.objectContaining({ video: false })]);
    expect(store.view()?.call.phase).toBe('connecting');
    expect(store.view()?.camera).toBeUndefined();
  });

  it('still places a call when no microphone opens (receiving only)', async () => {
    const fake = fakeClient();
    const store = new CallStore(fake.client, media({ userMedia: () => Promise.reject(new Error('denied')) }));
    await store.start('bob', true);
    expect(fake.done).toEqual([['place', 'bob', { video: true }]]);
    expect(store.view()?.call.direction).toBe('outgoing');
  });

  it('turns the camera on in a call without one by opening a camera and handing it to the call', async () => {
    const fake = fakeClient();
    const store = new CallStore(
      fake.client,
      media({ userMedia: () => Promise.resolve(stream(track('audio'))) }),
    );
    fake.ring();
    await store.accept(true);
    await store.toggleCamera();
    expect(fake.done.at(-1)).toEqual(['replaceTrack', 'c1', 'video']);
    expect(store.view()?.camera?.readyState).toBe('live');
    await store.toggleCamera();
    expect(fake.done.at(-1)).toEqual(['setMuted', 'c1', { audio: false, video: true }]);
  });

  it('shows a device that fails to open as a problem, without ending the call', async () => {
    const fake = fakeClient();
    const store = new CallStore(
      fake.client,
      media({ track: () => Promise.reject(new Error('The camera is in use by another app')) }),
    );
    fake.ring();
    await store.accept(true);
    await store.switchDevice('video', 'other');
    expect(store.view()?.problem).toMatch(/camera is in use/u);
    expect(store.view()?.call.phase).toBe('connecting');
  });

  it('stops a screen picked after the call ended, and the browser’s own "Stop sharing" brings the camera back', async () => {
    const fake = fakeClient();
    let picked: FakeTrack | undefined;
    let release: () => void = () => undefined;
    const store = new CallStore(
      fake.client,
      media({
        screen: () =>
          new Promise((resolve) => {
            picked = new FakeTrack('video');
            const screen = picked as unknown as MediaStreamTrack;
            release = () => resolve(screen);
          }),
      }),
    );
    fake.ring();
    await store.accept(true);
    const sharing = store.toggleScreen();
    await Promise.resolve();
    release();
    await sharing;
    expect(fake.done.at(-1)).toEqual(['shareScreen', 'c1', 'video']);
    for (const listener of picked?.listeners ?? []) listener();
    expect(fake.done.at(-1)).toEqual(['shareScreen', 'c1', undefined]);
    expect(store.view()?.screen).toBeUndefined();

    const late = store.toggleScreen();
    await Promise.resolve();
    fake.end();
    release();
    await late;
    expect(picked?.readyState).toBe('ended');
    expect(fake.done.at(-1)).toEqual(['shareScreen', 'c1', undefined]);
  });
});
