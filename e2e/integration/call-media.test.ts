import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ParleyClient } from '@parley/core';
import { collect, next, scenario, startAll, until, type TestDevice } from './support/harness.js';
import { FakeDevices, receiving } from './support/wrtc-media.js';

// Opens WebRTC: run inside `unshare -rn sh -c 'ip link set lo up && npx vitest run e2e/integration/call-media.test.ts'`.
const s = scenario();
let devices: FakeDevices[] = [];
beforeEach(s.setup);
afterEach(async () => {
  for (const fake of devices) fake.stop();
  devices = [];
  await s.teardown();
});

function fakeDevices(): FakeDevices {
  const fake = new FakeDevices();
  devices.push(fake);
  return fake;
}

/** Alice calls Bob, Bob answers, both are active. */
async function answeredCall(
  alice: TestDevice,
  bob: TestDevice,
  place: Parameters<ParleyClient['calls']['place']>[1],
  accept: Parameters<ParleyClient['calls']['accept']>[1],
): Promise<string> {
  const incoming = next(bob.c, 'call-incoming');
  const aliceActive = next(alice.c, 'call-state', (call) => call.phase === 'active');
  const bobActive = next(bob.c, 'call-state', (call) => call.phase === 'active');
  const { callId } = alice.c.calls.place(bob.c.account, place);
  expect((await incoming).callId).toBe(callId);
  bob.c.calls.accept(callId, accept);
  await aliceActive;
  await bobActive;
  return callId;
}

/** Resolves once `count()` has grown by `by` from now (media keeps flowing), or fails after 30 s. */
async function keepsGrowing(count: () => number, what: string, by = 20): Promise<void> {
  const start = count();
  await until(() => count() >= start + by, what);
}

describe('local media in 1:1 calls', () => {
  it('sends both sides’ microphone and camera in a video call, and hang-up stops every local track on both sides', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const aliceDevices = fakeDevices();
    const bobDevices = fakeDevices();
    const aliceGets = receiving(alice.c);
    const bobGets = receiving(bob.c);
    const callId = await answeredCall(
      alice,
      bob,
      { video: true, media: aliceDevices.stream(aliceDevices.microphone(), aliceDevices.camera(64, 48)) },
      { video: true, media: bobDevices.stream(bobDevices.microphone(), bobDevices.camera(80, 60)) },
    );
    await until(() => aliceGets.has('video') && bobGets.has('video'), 'both video tracks');
    await keepsGrowing(() => aliceGets.get('video')?.frames ?? 0, 'frames at alice');
    await keepsGrowing(() => bobGets.get('video')?.frames ?? 0, 'frames at bob');
    await keepsGrowing(() => aliceGets.get('audio')?.samples ?? 0, 'audio at alice');
    await keepsGrowing(() => bobGets.get('audio')?.samples ?? 0, 'audio at bob');
    // Each sees the other's camera.
    expect(aliceGets.get('video')?.width).toBe(80);
    expect(bobGets.get('video')?.width).toBe(64);

    const bobEnded = next(bob.c, 'call-state', (call) => call.phase === 'ended');
    alice.c.calls.hangup(callId);
    await bobEnded;
    expect(aliceDevices.tracks.map((track) => track.readyState)).toEqual(['ended', 'ended']);
    expect(bobDevices.tracks.map((track) => track.readyState)).toEqual(['ended', 'ended']);
    for (const received of [...aliceGets.values(), ...bobGets.values()]) received.stop();
  });

  it('shows mute and camera-off on the other side at once, and a switched camera keeps the video going', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const aliceDevices = fakeDevices();
    const bobGets = receiving(bob.c);
    const bobSees = collect(bob.c, 'call-mute');
    const callId = await answeredCall(
      alice,
      bob,
      { video: true, media: aliceDevices.stream(aliceDevices.microphone(), aliceDevices.camera(64, 48)) },
      { video: true },
    );
    // On answer each side says what it sends: Alice both, so Bob's screen shows her camera and no mute.
    await until(() => bobSees.length > 0, 'alice’s media state at bob');
    expect(bobSees.at(-1)).toEqual({ callId, audio: true, video: true, screen: false });

    const muted = next(bob.c, 'call-mute', (state) => !state.audio);
    alice.c.calls.setMuted(callId, { audio: true, video: false });
    expect(await muted).toEqual({ callId, audio: false, video: true, screen: false });
    const cameraOff = next(bob.c, 'call-mute', (state) => !state.video);
    alice.c.calls.setMuted(callId, { audio: true, video: true });
    expect(await cameraOff).toEqual({ callId, audio: false, video: false, screen: false });
    const [, firstCamera] = aliceDevices.tracks;
    expect(firstCamera?.enabled).toBe(false);

    // Another camera while the camera is off: it stays off until turned on, then Bob sees the new one.
    alice.c.calls.setMuted(callId, { audio: false, video: false });
    const other = aliceDevices.camera(96, 72);
    alice.c.calls.replaceTrack(callId, other);
    expect(firstCamera?.readyState).toBe('ended');
    await until(() => bobGets.get('video')?.width === 96, 'the new camera’s frames at bob');
    await keepsGrowing(() => bobGets.get('video')?.frames ?? 0, 'frames of the new camera');
    for (const received of bobGets.values()) received.stop();
  });

  it('shares a screen in a voice call by renegotiating: the other side gets a video track, and it stops', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const aliceDevices = fakeDevices();
    const bobDevices = fakeDevices();
    const bobGets = receiving(bob.c);
    const callId = await answeredCall(
      alice,
      bob,
      { media: aliceDevices.stream(aliceDevices.microphone()) },
      { video: false, media: bobDevices.stream(bobDevices.microphone()) },
    );
    expect(bobGets.has('video')).toBe(false);
    const sharing = next(bob.c, 'call-mute', (state) => state.screen);
    const screen = aliceDevices.camera(128, 72);
    alice.c.calls.shareScreen(callId, screen);
    expect(await sharing).toMatchObject({ callId, screen: true });
    await until(() => bobGets.get('video')?.width === 128, 'the screen at bob');
    await keepsGrowing(() => bobGets.get('video')?.frames ?? 0, 'frames of the screen');
    await keepsGrowing(() => bobGets.get('audio')?.samples ?? 0, 'audio still flowing');

    const stopped = next(bob.c, 'call-mute', (state) => !state.screen);
    alice.c.calls.shareScreen(callId, undefined);
    await stopped;
    expect(screen.readyState).toBe('ended');
    for (const received of bobGets.values()) received.stop();
  });

  it('lets the callee turn the camera on in a voice call (the callee renegotiates) while the caller shares a screen', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const aliceDevices = fakeDevices();
    const bobDevices = fakeDevices();
    const aliceGets = receiving(alice.c);
    const bobGets = receiving(bob.c);
    const callId = await answeredCall(
      alice,
      bob,
      { media: aliceDevices.stream(aliceDevices.microphone()) },
      { media: bobDevices.stream(bobDevices.microphone()) },
    );
    // Both change at once: the two offers may cross, and both changes still arrive.
    bob.c.calls.replaceTrack(callId, bobDevices.camera(80, 60));
    alice.c.calls.shareScreen(callId, aliceDevices.camera(128, 72));
    await until(() => aliceGets.get('video')?.width === 80, 'bob’s camera at alice');
    await until(() => bobGets.get('video')?.width === 128, 'alice’s screen at bob');
    await keepsGrowing(() => aliceGets.get('video')?.frames ?? 0, 'frames at alice');
    await keepsGrowing(() => bobGets.get('video')?.frames ?? 0, 'frames at bob');
    for (const received of [...aliceGets.values(), ...bobGets.values()]) received.stop();
  });

  it('answers a video call without video when asked: the callee’s camera is stopped and the caller is told', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const aliceDevices = fakeDevices();
    const bobDevices = fakeDevices();
    const aliceSees = collect(alice.c, 'call-mute');
    const bobCamera = bobDevices.camera(80, 60);
    const callId = await answeredCall(
      alice,
      bob,
      { video: true, media: aliceDevices.stream(aliceDevices.microphone(), aliceDevices.camera(64, 48)) },
      { video: false, media: bobDevices.stream(bobDevices.microphone(), bobCamera) },
    );
    expect(bobCamera.readyState).toBe('ended');
    await until(() => aliceSees.length > 0, 'bob’s media state at alice');
    expect(aliceSees.at(-1)).toEqual({ callId, audio: true, video: false, screen: false });
    expect(bob.c.calls.localState).toEqual({ audio: true, video: false, screen: false });
  });

  it('stops the caller’s tracks when the call is declined, and refuses a second call without touching the first’s', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    const carol = s.device('carol');
    await startAll(alice, bob, carol);
    const aliceDevices = fakeDevices();
    const microphone = aliceDevices.microphone();
    const incoming = next(bob.c, 'call-incoming');
    const ended = next(alice.c, 'call-state', (call) => call.phase === 'ended');
    alice.c.calls.place(bob.c.account, { media: aliceDevices.stream(microphone) });
    const second = aliceDevices.microphone();
    expect(() => alice.c.calls.place(carol.c.account, { media: aliceDevices.stream(second) })).toThrow(
      /already in a call/u,
    );
    expect(second.readyState).toBe('ended');
    expect(microphone.readyState).toBe('live');
    bob.c.calls.decline((await incoming).callId);
    await ended;
    expect(microphone.readyState).toBe('ended');
  });
});
