import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestCoturn } from '../browser/support/coturn.js';
import { DEFAULT_CALL_TIMEOUTS, type CallSnapshot, type CallTimeouts } from '@parley/core';
import { collect, next, scenario, startAll, until, type TestDevice } from './support/harness.js';

// Opens WebRTC and starts coturn on 127.0.0.1: run inside
// `unshare -rn sh -c 'ip link set lo up && npx vitest run e2e/integration/call-network.test.ts'`.
const s = scenario();
let coturn: TestCoturn;
beforeEach(async () => {
  coturn = await TestCoturn.start();
  // The relay hands out this coturn with REST credentials from the shared secret, as in production.
  await s.setupWith({ turn: coturn.relaySetting() });
});
afterEach(async () => {
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

/** `caller` calls `callee`, who answers; resolves once both sides are active. */
async function activeCall(caller: TestDevice, callee: TestDevice): Promise<string> {
  const incoming = next(callee.c, 'call-incoming');
  const callerActive = next(caller.c, 'call-state', (call) => call.phase === 'active');
  const calleeActive = next(callee.c, 'call-state', (call) => call.phase === 'active');
  const { callId } = caller.c.calls.place(callee.c.account, { video: true });
  callee.c.calls.accept((await incoming).callId);
  await callerActive;
  await calleeActive;
  return callId;
}

describe('1:1 calls through TURN', () => {
  it('routes a relay-only caller’s call through the relay’s coturn, and the call connects', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    await alice.c.settings.setRelayOnlyLinks(true);

    const callId = await activeCall(alice, bob);

    const quality = await alice.c.calls.quality(callId);
    // Alice's side of the selected pair is a TURN-relayed candidate: Bob never sees her address.
    expect(quality.route).toBe('relay');
    // Real readings: the consent checks' round-trip time, and rates once there is a previous reading.
    expect(quality.roundTripMs).toEqual(expect.any(Number));
    await until(async () => (await alice.c.calls.quality(callId)).at > quality.at, 'a newer stats report');
    const later = await alice.c.calls.quality(callId);
    expect(later.sendBitrate).toEqual(expect.any(Number));
    expect(later.receiveBitrate).toEqual(expect.any(Number));
    // …allocated by this test's coturn, with the REST credentials Alice's relay minted for her.
    const [turn] = alice.c.links.iceServers ?? [];
    expect(turn?.username).toEqual(expect.any(String));
    expect(await coturn.log()).toContain(
      `user <${turn?.username}>: incoming packet ALLOCATE processed, success`,
    );
    // Bob, without the setting, reaches her only at her relayed address (which his side may first learn as
    // a peer-reflexive candidate, until her relay candidate arrives).
    await until(async () => (await bob.c.calls.quality(callId)).route === 'relay', 'Bob’s route: relay');
  });

  it('restarts ICE when the path through TURN comes back, and the call goes from reconnecting to connected', async () => {
    const alice = s.device('alice', callTimeouts());
    const bob = s.device('bob', callTimeouts());
    await startAll(alice, bob);
    await alice.c.settings.setRelayOnlyLinks(true);
    const callId = await activeCall(alice, bob);
    const states = collect(alice.c, 'call-state');
    const reconnecting = next(alice.c, 'call-state', (call) => call.reconnecting);
    const before = await allocations();

    // The TURN server dies: Alice's only path is gone, ICE reports it disconnected.
    await coturn.kill();
    await reconnecting;
    // It comes back, with none of its allocations: only a restart (new candidates, new allocation) recovers.
    await coturn.resume();
    await next(alice.c, 'call-state', (call) => !call.reconnecting);
    expect(path(states)).toEqual(['active, reconnecting', 'active']);
    expect(await allocations()).toBeGreaterThan(before);
    expect(alice.c.calls.current).toMatchObject({ callId, phase: 'active', reconnecting: false });
    expect(bob.c.calls.current).toMatchObject({ callId, phase: 'active' });
    expect((await alice.c.calls.quality(callId)).route).toBe('relay');
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
