import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestCoturn } from '../browser/support/coturn.js';
import { DEFAULT_CALL_TIMEOUTS, type CallSnapshot, type CallTimeouts } from '@parley/core';
import { collect, next, scenario, startAll, until, type TestDevice } from './support/harness.js';
import { FakeDevices, receiving, type Received } from './support/wrtc-media.js';

// Opens WebRTC and starts coturn on 127.0.0.1: run inside
// `unshare -rn sh -c 'ip link set lo up && npx vitest run e2e/integration/call-network.test.ts'`.
const s = scenario();
let coturn: TestCoturn;
let fakes: FakeDevices[] = [];
beforeEach(async () => {
  coturn = await TestCoturn.start();
  // The relay hands out this coturn with REST credentials from the shared secret, as in production.
  await s.setupWith({ turn: coturn.relaySetting() });
});
afterEach(async () => {
  for (const fake of fakes) fake.stop();
  fakes = [];
  await s.teardown();
  await coturn.stop();
});

/** Call timeouts with a short ICE-restart grace (and `giveUpMs` to give up a lost path), for one device. */
function callTimeouts(giveUpMs = DEFAULT_CALL_TIMEOUTS.iceGiveUpMs): { callTimeouts: Partial<CallTimeouts> } {
  return { callTimeouts: { iceRestartAfterMs: 500, iceGiveUpMs: giveUpMs } };
}

/** How many TURN allocations the test's coturn has granted so far (its log says). */
async function allocations(): Promise<number> {
  return (await coturn.log()).split('ALLOCATE processed, success').length - 1;
}

/** The `reconnecting` flags and phases `states` went through, without repeats. */
function path(states: readonly CallSnapshot[]): string[] {
  const seen = states.map((call) => (call.reconnecting ? `${call.phase}, reconnecting` : call.phase));
  return seen.filter((step, i) => step !== seen[i - 1]);
}

interface ActiveCall {
  readonly callId: string;
  /** What each side receives, by kind (`video`, `audio`). */
  readonly callerGets: Map<string, Received>;
  readonly calleeGets: Map<string, Received>;
}

/** `caller` video-calls `callee` with fake cameras and microphones, who answers; resolves once both are active. */
async function activeCall(caller: TestDevice, callee: TestDevice): Promise<ActiveCall> {
  const [callerDevices, calleeDevices] = [new FakeDevices(), new FakeDevices()];
  fakes.push(callerDevices, calleeDevices);
  const callerGets = receiving(caller.c);
  const calleeGets = receiving(callee.c);
  const incoming = next(callee.c, 'call-incoming');
  const callerActive = next(caller.c, 'call-state', (call) => call.phase === 'active');
  const calleeActive = next(callee.c, 'call-state', (call) => call.phase === 'active');
  const { callId } = caller.c.calls.place(callee.c.account, {
    video: true,
    media: callerDevices.stream(callerDevices.microphone(), callerDevices.camera(64, 48)),
  });
  callee.c.calls.accept((await incoming).callId, {
    video: true,
    media: calleeDevices.stream(calleeDevices.microphone(), calleeDevices.camera(80, 60)),
  });
  await callerActive;
  await calleeActive;
  return { callId, callerGets, calleeGets };
}

/**
 * A video call from relay-only Alice to Bob, both restarting ICE after 500 ms without a path; with Alice's
 * call states from now on and her first `reconnecting`.
 */
async function relayOnlyCall() {
  const alice = s.device('alice', callTimeouts());
  const bob = s.device('bob', callTimeouts());
  await startAll(alice, bob);
  await alice.c.settings.setRelayOnlyLinks(true);
  const call = await activeCall(alice, bob);
  const states = collect(alice.c, 'call-state');
  const reconnecting = next(alice.c, 'call-state', (snapshot) => snapshot.reconnecting);
  return { alice, bob, call, states, reconnecting };
}

/** Resolves once both sides' received video frames have grown by 20 from now: media flows both ways. */
async function mediaFlows({ callerGets, calleeGets }: ActiveCall): Promise<void> {
  const frames = (gets: Map<string, Received>) => gets.get('video')?.frames ?? 0;
  const [caller, callee] = [frames(callerGets), frames(calleeGets)];
  await until(
    () => frames(callerGets) >= caller + 20 && frames(calleeGets) >= callee + 20,
    'frames both ways',
  );
}

describe('1:1 calls through TURN', () => {
  it('routes a relay-only caller’s call through the relay’s coturn, and media flows', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    await alice.c.settings.setRelayOnlyLinks(true);

    const call = await activeCall(alice, bob);
    await mediaFlows(call);

    const quality = await alice.c.calls.quality(call.callId);
    // Alice's side of the selected pair is a TURN-relayed candidate: Bob never sees her address.
    expect(quality.route).toBe('relay');
    // …allocated by this test's coturn, with the REST credentials Alice's relay minted for her.
    const [turn] = alice.c.links.iceServers ?? [];
    expect(turn?.username).toEqual(expect.any(String));
    expect(await coturn.log()).toContain(
      `user <${turn?.username}>: incoming packet ALLOCATE processed, success`,
    );
    // Bob, without the setting, reaches her only at her relayed address (which his side may first learn as
    // a peer-reflexive candidate, until her relay candidate arrives).
    await until(async () => (await bob.c.calls.quality(call.callId)).route === 'relay', 'Bob’s route: relay');
  });

  it('moves a direct call to the relay’s coturn when the caller turns relay-only on mid-call, and media keeps flowing', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const call = await activeCall(alice, bob);
    await mediaFlows(call);
    expect((await alice.c.calls.quality(call.callId)).route).toBe('direct');
    const before = await allocations();
    const aliceStates = collect(alice.c, 'call-state');

    await alice.c.settings.setRelayOnlyLinks(true);

    // The call in progress, not just the next one, now goes through TURN with Alice's minted credentials.
    await until(
      async () => (await alice.c.calls.quality(call.callId)).route === 'relay',
      'Alice’s route: relay',
    );
    expect(await allocations()).toBeGreaterThan(before);
    await until(async () => (await bob.c.calls.quality(call.callId)).route === 'relay', 'Bob’s route: relay');
    await mediaFlows(call);
    // The same call throughout: never ended, on both sides.
    expect(aliceStates.filter((snapshot) => snapshot.phase !== 'active')).toEqual([]);
    expect(alice.c.calls.current).toMatchObject({ callId: call.callId, phase: 'active' });
    expect(bob.c.calls.current).toMatchObject({ callId: call.callId, phase: 'active' });
  });

  it('reads the call’s quality from real stats: round-trip time, loss and both bitrates', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const call = await activeCall(alice, bob);
    await mediaFlows(call);

    const first = await alice.c.calls.quality(call.callId);
    expect(first).toMatchObject({ route: 'direct', roundTripMs: expect.any(Number), packetLoss: 0 });
    // Rates are over the time since the previous reading (the UI polls, say, every second).
    await mediaFlows(call);
    await until(async () => (await alice.c.calls.quality(call.callId)).at > first.at, 'a newer report');
    const later = await alice.c.calls.quality(call.callId);
    // Fake camera and microphone both ways: real bits on the wire each way, none lost on loopback.
    expect(later.sendBitrate).toBeGreaterThan(0);
    expect(later.receiveBitrate).toBeGreaterThan(0);
    expect(later.packetLoss).toBe(0);
  });

  it('restarts ICE when the path through TURN comes back, and the call goes from reconnecting to connected', async () => {
    const { alice, bob, call, states, reconnecting } = await relayOnlyCall();
    const before = await allocations();

    // The TURN server dies: Alice's only path is gone, ICE reports it disconnected.
    await coturn.kill();
    await reconnecting;
    // It comes back, with none of its allocations: only a restart (new candidates, new allocation) recovers.
    await coturn.resume();
    await next(alice.c, 'call-state', (snapshot) => !snapshot.reconnecting);
    expect(path(states)).toEqual(['active, reconnecting', 'active']);
    expect(await allocations()).toBeGreaterThan(before);

    expect(alice.c.calls.current).toMatchObject({
      callId: call.callId,
      phase: 'active',
      reconnecting: false,
    });
    expect(bob.c.calls.current).toMatchObject({ callId: call.callId, phase: 'active' });
    expect((await alice.c.calls.quality(call.callId)).route).toBe('relay');
    await mediaFlows(call);
  });

  it('recovers a call whose TURN path and signalling were both lost, once both come back', async () => {
    const { alice, bob, call, states, reconnecting } = await relayOnlyCall();

    // A network change: the relay and the TURN path go together. Restart offers pile up unsent meanwhile.
    await s.relay().stop();
    await coturn.kill();
    await reconnecting;
    await coturn.resume();
    await s.relay().restart();

    await next(alice.c, 'call-state', (snapshot) => !snapshot.reconnecting);
    expect(path(states)).toEqual(['active, reconnecting', 'active']);
    expect(bob.c.calls.current).toMatchObject({ callId: call.callId, phase: 'active' });
    await mediaFlows(call);
  });

  it('gives up a call whose TURN path stays down with ice-failed on both sides, after reconnecting', async () => {
    // Alice gives up after 3 s without a path; Bob would wait the default 30 s, so Alice's side decides.
    const alice = s.device('alice', callTimeouts(3_000));
    const bob = s.device('bob');
    await startAll(alice, bob);
    await alice.c.settings.setRelayOnlyLinks(true);
    await activeCall(alice, bob);
    const aliceStates = collect(alice.c, 'call-state');
    const aliceEnded = next(alice.c, 'call-state', (call) => call.phase === 'ended');
    const bobEnded = next(bob.c, 'call-state', (call) => call.phase === 'ended');

    await coturn.kill();

    expect((await aliceEnded).endReason).toEqual({ kind: 'failed', failure: 'ice-failed', by: 'local' });
    expect((await bobEnded).endReason).toEqual({ kind: 'failed', failure: 'ice-failed', by: 'remote' });
    expect(path(aliceStates)).toEqual(['active, reconnecting', 'ended']);
    await until(() => alice.c.calls.current === undefined && bob.c.calls.current === undefined, 'no call');
  });
});

describe('1:1 calls without the relay', () => {
  it('keeps the call and its media going while the relay restarts: media is peer to peer', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const call = await activeCall(alice, bob);
    const aliceStates = collect(alice.c, 'call-state');
    const bobStates = collect(bob.c, 'call-state');

    await s.relay().stop();
    await until(() => !alice.c.connected && !bob.c.connected, 'both to lose the relay');
    await mediaFlows(call);
    await s.relay().restart();
    await until(() => alice.c.connected && bob.c.connected, 'both back on the relay');
    await mediaFlows(call);

    // Nothing about the call changed while its signalling was away…
    expect([...aliceStates, ...bobStates]).toEqual([]);
    // …and it still hangs up through the restarted relay.
    const bobEnded = next(bob.c, 'call-state', (snapshot) => snapshot.phase === 'ended');
    alice.c.calls.hangup(call.callId);
    expect((await bobEnded).endReason).toEqual({ kind: 'hangup', by: 'remote' });
  });
});
