import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callLines } from './support/call-lines.js';
import { collect, next, pair, scenario, until, type TestDevice } from './support/harness.js';
import { linkedTo } from './support/linked-devices.js';

/*
 * 1:1 calls and linked devices (issue 15): a call rings on every device of the callee; the first device to
 * answer takes it and the others stop ringing ("answered on another device"); declining on one device
 * declines the call, as WhatsApp does, and the others stop ringing ("declined on another device"). Real
 * relay, real @roamhq/wrtc peer connections: run inside the loopback-only namespace.
 */

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

/** Alice's phone and laptop (device 2), then she and Bob add each other (the laptop learns it by sync). */
async function aliceTwiceAndBob(): Promise<{ alice: TestDevice; bob: TestDevice; laptop: TestDevice }> {
  const options = { tuning: { deviceListTtlMs: 0 } };
  const alice = s.device('alice', options);
  const bob = s.device('bob', options);
  await alice.start();
  await bob.start();
  const laptop = await linkedTo((name) => s.device(name, options), 'alice-laptop', alice);
  await pair(alice, bob);
  await until(
    async () => (await laptop.c.contacts.list()).some((c) => c.account === bob.c.account && c.accepted),
    "the laptop to learn Alice's new contact",
  );
  return { alice, bob, laptop };
}

describe('calls to an account with linked devices', () => {
  it('lets no device its account unlinked while the call rang take the call; a listed one still can', async () => {
    const { alice, bob, laptop } = await aliceTwiceAndBob();
    const onPhone = next(alice.c, 'call-incoming');
    const onLaptop = next(laptop.c, 'call-incoming');
    const placed = bob.c.calls.place(alice.c.account);
    await Promise.all([onPhone, onLaptop]);

    // Alice unlinks the laptop while it rings; the laptop (stale, or an attacker holding it) answers anyway.
    await alice.c.devices.remove(2);
    const bobStates = collect(bob.c, 'call-state');
    const refused = next(bob.c, 'link-refused', (e) => e.account === alice.c.account);
    laptop.c.calls.accept(placed.callId);
    expect((await refused).error.code).toBe('UNTRUSTED_IDENTITY');
    expect(bob.c.calls.current).toMatchObject({ callId: placed.callId, phase: 'ringing' });
    expect(bobStates.filter((call) => call.phase !== 'ringing')).toEqual([]);

    // The phone, still listed, answers: the call connects with it.
    const bobActive = next(bob.c, 'call-state', (call) => call.phase === 'active');
    const phoneActive = next(alice.c, 'call-state', (call) => call.phase === 'active');
    alice.c.calls.accept(placed.callId);
    await Promise.all([bobActive, phoneActive]);
    bob.c.calls.hangup(placed.callId);
  });

  it('rings every device; answering on one stops the others as "answered on another device"', async () => {
    const { alice, bob, laptop } = await aliceTwiceAndBob();
    const onPhone = next(alice.c, 'call-incoming');
    const onLaptop = next(laptop.c, 'call-incoming');
    const placed = bob.c.calls.place(alice.c.account, { video: true });
    expect(await onPhone).toMatchObject({ callId: placed.callId, peer: bob.c.account, media: 'video' });
    expect(await onLaptop).toMatchObject({ callId: placed.callId, peer: bob.c.account, media: 'video' });

    const phoneEnded = next(alice.c, 'call-state', (call) => call.phase === 'ended');
    const bobActive = next(bob.c, 'call-state', (call) => call.phase === 'active');
    const laptopActive = next(laptop.c, 'call-state', (call) => call.phase === 'active');
    const laptopTracks = collect(laptop.c, 'call-track');
    laptop.c.calls.accept(placed.callId);
    expect((await phoneEnded).endReason).toEqual({ kind: 'answered-elsewhere' });
    // Real media: ICE connected and the DTLS certificate matched the sealed SDP, between Bob and the laptop.
    await Promise.all([bobActive, laptopActive]);
    await until(() => laptopTracks.some((e) => e.callId === placed.callId), 'a track on the laptop');
    expect((await bob.c.calls.quality(placed.callId)).route).toBe('direct');

    const laptopLine = next(laptop.c, 'message', (e) => e.message.kind === 'call');
    bob.c.calls.hangup(placed.callId);
    await laptopLine;
    expect(await callLines(laptop.c, bob.c.account)).toEqual([
      expect.objectContaining({ callId: placed.callId, outcome: 'answered', direction: 'incoming' }),
    ]);
    await until(async () => (await callLines(alice.c, bob.c.account)).length === 1, "the phone's line");
    expect(await callLines(alice.c, bob.c.account)).toEqual([
      expect.objectContaining({
        callId: placed.callId,
        outcome: 'answered-elsewhere',
        direction: 'incoming',
      }),
    ]);
  });

  it('declines the call everywhere when one device declines it, as WhatsApp does', async () => {
    const { alice, bob, laptop } = await aliceTwiceAndBob();
    const onPhone = next(alice.c, 'call-incoming');
    const onLaptop = next(laptop.c, 'call-incoming');
    const placed = bob.c.calls.place(alice.c.account);
    await Promise.all([onPhone, onLaptop]);

    const bobEnded = next(bob.c, 'call-state', (call) => call.phase === 'ended');
    const laptopEnded = next(laptop.c, 'call-state', (call) => call.phase === 'ended');
    alice.c.calls.decline(placed.callId, 'in a meeting');
    expect((await bobEnded).endReason).toEqual({ kind: 'declined-with-message', message: 'in a meeting' });
    expect((await laptopEnded).endReason).toEqual({ kind: 'declined-elsewhere' });
    await until(async () => (await callLines(laptop.c, bob.c.account)).length === 1, "the laptop's line");
    expect(await callLines(laptop.c, bob.c.account)).toEqual([
      expect.objectContaining({ callId: placed.callId, outcome: 'declined', direction: 'incoming' }),
    ]);
  });

  it('connects a call placed from a linked device', async () => {
    const { bob, laptop } = await aliceTwiceAndBob();
    const incoming = next(bob.c, 'call-incoming');
    const placed = laptop.c.calls.place(bob.c.account);
    expect(await incoming).toMatchObject({ callId: placed.callId, peer: laptop.c.account });
    const both = Promise.all([
      next(bob.c, 'call-state', (call) => call.phase === 'active'),
      next(laptop.c, 'call-state', (call) => call.phase === 'active'),
    ]);
    bob.c.calls.accept(placed.callId);
    await both;
    laptop.c.calls.hangup(placed.callId);
  });
  it("connects one call when two of the caller's devices call at once; the other ends as busy", async () => {
    const { alice, bob, laptop } = await aliceTwiceAndBob();
    const rings = collect(bob.c, 'call-incoming');
    const firstRing = next(bob.c, 'call-incoming');
    const ended = {
      phone: next(alice.c, 'call-state', (call) => call.phase === 'ended'),
      laptop: next(laptop.c, 'call-state', (call) => call.phase === 'ended'),
    };
    const fromPhone = alice.c.calls.place(bob.c.account);
    const fromLaptop = laptop.c.calls.place(bob.c.account);

    // Bob's device rings for the call whose ring it saw first; the other device of Alice's is told he is busy.
    const rang = await firstRing;
    expect([fromPhone.callId, fromLaptop.callId]).toContain(rang.callId);
    const phoneWon = rang.callId === fromPhone.callId;
    const [winner, loser] = phoneWon ? [alice, laptop] : [laptop, alice];
    expect((await (phoneWon ? ended.laptop : ended.phone)).endReason).toEqual({ kind: 'busy' });
    expect(loser.c.calls.current).toBeUndefined();

    const both = Promise.all([
      next(bob.c, 'call-state', (call) => call.phase === 'active'),
      next(winner.c, 'call-state', (call) => call.phase === 'active'),
    ]);
    bob.c.calls.accept(rang.callId);
    await both;
    const bobLine = next(bob.c, 'message', (e) => e.message.kind === 'call');
    winner.c.calls.hangup(rang.callId);
    await bobLine;
    // Bob saw one call from Alice, and his chat with her shows that one only: no missed call beside it.
    expect(rings.map((call) => call.callId)).toEqual([rang.callId]);
    expect(await callLines(bob.c, alice.c.account)).toEqual([
      expect.objectContaining({ callId: rang.callId, outcome: 'answered', direction: 'incoming' }),
    ]);
  });
});
