import { afterEach, describe, expect, it } from 'vitest';
import { makeIdentity } from '../testing/client.node.js';
import { startRealtimeRelay, type RealtimeTestRelay } from './test-harness.node.js';

let relay: RealtimeTestRelay | undefined;
afterEach(async () => {
  await relay?.stop();
  relay = undefined;
});

const offer = { type: 'offer' as const, sdp: 'v=0\r\n' };

describe('signalling', () => {
  it('forwards a signal to every connected device of the recipient, named by the real sender', async () => {
    relay = await startRealtimeRelay();
    const alice = await relay.connect();
    const bobIdentity = makeIdentity();
    const bobPhone = await relay.connect({ identity: bobIdentity });
    const bobLaptop = await relay.connect({ identity: bobIdentity });
    const ack = await alice.ok('signal', { to: bobIdentity.id, linkId: 'link-1', data: offer });
    expect(ack.delivered).toBe(true);
    const expected = { from: alice.identity, linkId: 'link-1', kind: 'data', data: offer };
    expect(await bobPhone.next('signal')).toEqual(expected);
    expect(await bobLaptop.next('signal')).toEqual(expected);
  });

  it('cannot be made to name another sender', async () => {
    relay = await startRealtimeRelay();
    const mallory = await relay.connect();
    const alice = await relay.connect();
    const bob = await relay.connect();
    const spoofed = await mallory.request('signal', {
      to: bob.identity,
      linkId: 'x',
      data: offer,
      from: alice.identity,
    } as never);
    expect(spoofed).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    await mallory.ok('typing', { to: bob.identity, typing: true });
    expect(await bob.next('typing')).toEqual({ from: mallory.identity, typing: true });
  });

  it('reports a signal to an offline identity as not delivered', async () => {
    relay = await startRealtimeRelay();
    const alice = await relay.connect();
    const ack = await alice.ok('signal', { to: makeIdentity().id, linkId: 'l', data: offer });
    expect(ack.delivered).toBe(false);
  });

  it('forwards typing indicators sent without an ack', async () => {
    relay = await startRealtimeRelay();
    const alice = await relay.connect();
    const bob = await relay.connect();
    alice.socket.emit('typing', { to: bob.identity, typing: true });
    expect(await bob.next('typing')).toEqual({ from: alice.identity, typing: true });
  });
});

describe('presence', () => {
  it('shows presence only to contacts on the allow list, with last seen only when allowed', async () => {
    relay = await startRealtimeRelay();
    const friend = await relay.connect();
    const stranger = await relay.connect();
    const aliceIdentity = makeIdentity();
    const alice = await relay.connect({ identity: aliceIdentity });
    await alice.ok('presence:visibility', { allow: [friend.identity], lastSeen: true });

    expect(await friend.ok('presence:subscribe', { identities: [alice.identity] })).toMatchObject({
      presence: [{ identity: alice.identity, online: true }],
    });
    expect(await stranger.ok('presence:subscribe', { identities: [alice.identity] })).toMatchObject({
      presence: [],
    });

    relay.clock.now += 5_000;
    const leftAt = relay.clock.now;
    alice.close();
    expect(await friend.next('presence')).toEqual({
      identity: alice.identity,
      online: false,
      lastSeen: leftAt,
    });
    const back = await relay.connect({ identity: aliceIdentity });
    expect(await friend.next('presence')).toEqual({ identity: alice.identity, online: true });
    await back.ok('presence:visibility', { allow: [friend.identity], lastSeen: false });
    back.close();
    expect(await friend.next('presence')).toEqual({ identity: alice.identity, online: false });
    // The stranger watched all along and heard nothing.
    expect(stranger.received('presence')).toEqual([]);
  });

  it('announces offline only when the last device of an identity leaves', async () => {
    relay = await startRealtimeRelay();
    const friend = await relay.connect();
    const aliceIdentity = makeIdentity();
    const phone = await relay.connect({ identity: aliceIdentity });
    const laptop = await relay.connect({ identity: aliceIdentity });
    await phone.ok('presence:visibility', { allow: [friend.identity], lastSeen: false });
    await friend.ok('presence:subscribe', { identities: [aliceIdentity.id] });
    phone.close();
    // A round trip through the relay after the phone left: its departure has been processed by then.
    await laptop.ok('turn:refresh', {});
    await friend.ok('presence:subscribe', { identities: [aliceIdentity.id] });
    expect(friend.received('presence')).toEqual([]);
    laptop.close();
    expect(await friend.next('presence')).toEqual({ identity: aliceIdentity.id, online: false });
  });
});
