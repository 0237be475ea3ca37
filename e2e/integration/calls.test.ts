import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callLines } from './support/call-lines.js';
import { collect, next, scenario, startAll, until } from './support/harness.js';
import { behindMaliciousRelay, flip } from './support/malicious-relay.js';
import type { RelayInTheMiddle } from './support/relay-in-the-middle.js';

// Opens WebRTC: run inside `unshare -rn sh -c 'ip link set lo up && npx vitest run e2e/integration/calls.test.ts'`.
const s = scenario();
let middle: RelayInTheMiddle | undefined;
beforeEach(s.setup);
afterEach(async () => {
  await middle?.close();
  middle = undefined;
  await s.teardown();
});

describe('1:1 calls over sealed signals', () => {
  it('connects an answered call over WebRTC, and both sides log it with a duration when it is hung up', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const incoming = next(bob.c, 'call-incoming');
    const aliceActive = next(alice.c, 'call-state', (call) => call.phase === 'active');
    const bobActive = next(bob.c, 'call-state', (call) => call.phase === 'active');
    const bobTracks = collect(bob.c, 'call-track');
    const aliceErrors = collect(alice.c, 'error');
    const bobErrors = collect(bob.c, 'error');

    const placed = alice.c.calls.place(bob.c.account, { video: true });
    const ringing = await incoming;
    expect(ringing).toMatchObject({
      callId: placed.callId,
      peer: alice.c.account,
      direction: 'incoming',
      media: 'video',
    });
    bob.c.calls.accept(ringing.callId);
    // Active only once ICE connected and the DTLS certificate matched the sealed SDP's fingerprint.
    expect(await aliceActive).toMatchObject({ callId: placed.callId, reconnecting: false });
    expect(await bobActive).toMatchObject({ callId: placed.callId });
    expect(bobTracks.map((event) => event.callId)).toContain(placed.callId);

    const bobLine = next(bob.c, 'message', (event) => event.message.kind === 'call');
    const aliceLine = next(alice.c, 'message', (event) => event.message.kind === 'call');
    alice.c.calls.hangup(placed.callId);
    await bobLine;
    await aliceLine;
    const [aliceEntry] = await callLines(alice.c, bob.c.account);
    const [bobEntry] = await callLines(bob.c, alice.c.account);
    expect(aliceEntry).toMatchObject({ direction: 'outgoing', outcome: 'answered', media: 'video' });
    expect(bobEntry).toMatchObject({ direction: 'incoming', outcome: 'answered', media: 'video' });
    expect(aliceEntry?.durationMs).toEqual(expect.any(Number));
    expect(bobEntry?.durationMs).toEqual(expect.any(Number));
    expect(alice.c.calls.current).toBeUndefined();
    expect(bob.c.calls.current).toBeUndefined();
    expect([...aliceErrors, ...bobErrors]).toEqual([]);
  });

  it('records a declined call, with its quick message, on both sides', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const incoming = next(bob.c, 'call-incoming');
    const aliceEnded = next(alice.c, 'call-state', (call) => call.phase === 'ended');
    const placed = alice.c.calls.place(bob.c.account);
    bob.c.calls.decline((await incoming).callId, 'in a meeting');
    expect((await aliceEnded).endReason).toEqual({
      kind: 'declined-with-message',
      message: 'in a meeting',
    });
    await until(async () => (await callLines(alice.c, bob.c.account)).length === 1, 'alice’s line');
    await until(async () => (await callLines(bob.c, alice.c.account)).length === 1, 'bob’s line');
    const expected = { callId: placed.callId, media: 'audio', outcome: 'declined', message: 'in a meeting' };
    expect(await callLines(alice.c, bob.c.account)).toEqual([
      expect.objectContaining({ ...expected, direction: 'outgoing' }),
    ]);
    expect(await callLines(bob.c, alice.c.account)).toEqual([
      expect.objectContaining({ ...expected, direction: 'incoming' }),
    ]);
  });

  it('answers busy when the callee is already in a call; the callee logs it as missed', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    const carol = s.device('carol');
    await startAll(alice, bob, carol);
    const bobRings = next(bob.c, 'call-incoming');
    alice.c.calls.place(bob.c.account);
    await bobRings;

    const carolEnded = next(carol.c, 'call-state', (call) => call.phase === 'ended');
    const carolCall = carol.c.calls.place(bob.c.account);
    expect((await carolEnded).endReason).toEqual({ kind: 'busy' });
    await until(async () => (await callLines(bob.c, carol.c.account)).length === 1, 'bob’s missed line');
    expect(await callLines(carol.c, bob.c.account)).toEqual([
      expect.objectContaining({ callId: carolCall.callId, direction: 'outgoing', outcome: 'busy' }),
    ]);
    expect(await callLines(bob.c, carol.c.account)).toEqual([
      expect.objectContaining({ callId: carolCall.callId, direction: 'incoming', outcome: 'missed' }),
    ]);
    // Alice's call still rings at Bob's.
    expect(bob.c.calls.current).toMatchObject({ peer: alice.c.account, phase: 'ringing' });
  });

  it('fails the call closed, on both sides, when the relay alters the caller’s sealed offer', async () => {
    // Both behind a malicious relay front end, which lets the first call signal (Alice's ring) through,
    // then changes every later call signal from its sender (her offer, her candidates).
    let caller: string | undefined;
    await s.teardown(); // this test's relay sits behind a malicious front end
    const setUp = await behindMaliciousRelay(s, {
      down: (event, payload) => {
        const signal = payload as { from: string; kind?: string; data: { sealed?: string } };
        if (event !== 'signal' || signal.kind !== 'call' || signal.data.sealed === undefined) return payload;
        if (caller === undefined) {
          caller = signal.from;
          return payload;
        }
        return signal.from === caller ? { ...signal, data: { sealed: flip(signal.data.sealed) } } : payload;
      },
    });
    middle = setUp.middle;
    const { alice, bob } = setUp;
    const incoming = next(bob.c, 'call-incoming');
    const refused = next(bob.c, 'error', (error) => error.code === 'DECRYPT_FAILED');
    const aliceEnded = next(alice.c, 'call-state', (call) => call.phase === 'ended');
    const bobEnded = next(bob.c, 'call-state', (call) => call.phase === 'ended');
    alice.c.calls.place(bob.c.account);
    bob.c.calls.accept((await incoming).callId);
    await refused;
    const failure = { kind: 'failed', failure: 'fingerprint-not-authenticated' };
    expect((await bobEnded).endReason).toEqual({ ...failure, by: 'local' });
    expect((await aliceEnded).endReason).toEqual({ ...failure, by: 'remote' });
    await until(async () => (await callLines(bob.c, alice.c.account)).length === 1, 'bob’s failed line');
    expect(await callLines(bob.c, alice.c.account)).toEqual([
      expect.objectContaining({ outcome: 'failed', failure: 'fingerprint-not-authenticated' }),
    ]);
  });
});
