import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestCoturn } from '../browser/support/coturn.js';
import { next, scenario, startAll, type TestDevice } from './support/harness.js';

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
    // …allocated by this test's coturn, with the REST credentials Alice's relay minted for her.
    const [turn] = alice.c.links.iceServers ?? [];
    expect(turn?.username).toEqual(expect.any(String));
    expect(await coturn.log()).toContain(
      `user <${turn?.username}>: incoming packet ALLOCATE processed, success`,
    );
    // Bob, without the setting, still reaches her only through the relayed candidate.
    expect((await bob.c.calls.quality(callId)).route).toBe('relay');
  });
});
