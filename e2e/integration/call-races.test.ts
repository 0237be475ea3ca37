import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callLines } from './support/call-lines.js';
import { collect, next, scenario, startAll, until } from './support/harness.js';

// Opens WebRTC: run inside `unshare -rn sh -c 'ip link set lo up && npx vitest run e2e/integration/call-races.test.ts'`.
const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

describe('1:1 calls when both sides act at once', () => {
  it('connects one call when both people call each other at the same moment (glare)', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const aliceActive = next(alice.c, 'call-state', (call) => call.phase === 'active');
    const bobActive = next(bob.c, 'call-state', (call) => call.phase === 'active');

    // Both press "call" before either ring has arrived.
    const fromAlice = alice.c.calls.place(bob.c.account, { video: true });
    const fromBob = bob.c.calls.place(alice.c.account, { video: true });
    expect(fromAlice.callId).not.toBe(fromBob.callId);

    // One call results, the same on both sides (the smaller id wins), connected without another click.
    const winner = fromAlice.callId < fromBob.callId ? fromAlice.callId : fromBob.callId;
    expect((await aliceActive).callId).toBe(winner);
    expect((await bobActive).callId).toBe(winner);
    expect(alice.c.calls.current).toMatchObject({ callId: winner, phase: 'active' });
    expect(bob.c.calls.current).toMatchObject({ callId: winner, phase: 'active' });

    const bobEnded = next(bob.c, 'call-state', (call) => call.phase === 'ended');
    alice.c.calls.hangup(winner);
    expect((await bobEnded).endReason).toEqual({ kind: 'hangup', by: 'remote' });
    // The losing call leaves no line: each conversation shows the one answered call.
    await until(async () => (await callLines(alice.c, bob.c.account)).length === 1, 'alice’s line');
    await until(async () => (await callLines(bob.c, alice.c.account)).length === 1, 'bob’s line');
    expect(await callLines(alice.c, bob.c.account)).toEqual([
      expect.objectContaining({ callId: winner, outcome: 'answered' }),
    ]);
    expect(await callLines(bob.c, alice.c.account)).toEqual([
      expect.objectContaining({ callId: winner, outcome: 'answered' }),
    ]);
  });

  it('hangs up before closing: the peer of a client that closes mid-call sees a hang-up, not a lost path', async () => {
    const alice = s.device('alice');
    // Bob gives up a lost path after 2 s: without Alice's hang-up his call would end `ice-failed`.
    const bob = s.device('bob', { callTimeouts: { iceRestartAfterMs: 500, iceGiveUpMs: 2_000 } });
    await startAll(alice, bob);
    const incoming = next(bob.c, 'call-incoming');
    const bobActive = next(bob.c, 'call-state', (call) => call.phase === 'active');
    const { callId } = alice.c.calls.place(bob.c.account);
    bob.c.calls.accept((await incoming).callId);
    await bobActive;
    const bobEnded = next(bob.c, 'call-state', (call) => call.phase === 'ended');
    const bobStates = collect(bob.c, 'call-state');

    await alice.stop(); // ParleyClient.close() with the call active

    expect(await bobEnded).toMatchObject({ callId, endReason: { kind: 'hangup', by: 'remote' } });
    // The hang-up came before the media went: Bob never saw the call reconnecting.
    expect(bobStates.map((call) => call.reconnecting)).toEqual([false]);
    // Alice's side wrote its line before her database closed.
    await alice.start();
    expect(await callLines(alice.c, bob.c.account)).toEqual([
      expect.objectContaining({ callId, outcome: 'answered', direction: 'outgoing' }),
    ]);
  });
});
