import { fromBase64Url, toBase64Url } from '@parley/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { SfuTestClient } from '../testing/client.node.js';
import { newIdentity, opusParameters, startTestSfu, type TestSfu } from '../testing/harness.node.js';
import { makeRelayKey } from '../testing/relay-key.node.js';

let sfu: TestSfu | undefined;
afterEach(async () => {
  await sfu?.stop();
  sfu = undefined;
});

/** Joins `room`, opens both transports and sends one synthetic audio track. */
async function joinAndPublish(test: TestSfu, room: string, ssrc: number) {
  const client = await test.connect();
  const joined = await client.ok('join', { token: test.token(newIdentity(), room) });
  const send = await client.ok('transport:create', { direction: 'send', plain: { comedia: true } });
  const recv = await client.ok('transport:create', { direction: 'recv' });
  const { producerId } = await client.ok('produce', {
    transportId: send.transportId,
    kind: 'audio',
    source: 'microphone',
    rtpParameters: opusParameters(ssrc),
  });
  return { client, joined, send, recv, producerId };
}

/** Every transport, producer and consumer id the room's routers still hold. */
async function routerIds(test: TestSfu, room: string): Promise<string[]> {
  const ids: string[] = [];
  for (const slot of test.sfu.context.pool.all()) {
    const router = test.sfu.context.rooms.get(room)?.routerFor(slot.index);
    if (!router) continue;
    const dump = await router.dump();
    ids.push(...dump.transportIds);
    for (const { key, values } of dump.mapProducerIdConsumerIds) ids.push(key, ...values);
  }
  return ids;
}

async function expectRefused(client: SfuTestClient, token: string, code: string) {
  expect(await client.request('join', { token })).toMatchObject({ ok: false, error: { code } });
  // And nothing else works on that socket: it is in no room.
  expect(await client.request('transport:create', { direction: 'recv' })).toMatchObject({
    ok: false,
    error: { code: 'AUTH_REQUIRED' },
  });
}

describe('joining a room', () => {
  it('admits a token the relay signed, and tells the others who joined', async () => {
    sfu = await startTestSfu();
    const room = sfu.newRoom();
    const alice = await joinAndPublish(sfu, room, 1111);
    const bob = await sfu.connect();
    const bobIdentity = newIdentity();
    const joined = await bob.ok('join', { token: sfu.token(bobIdentity, room) });
    expect(joined.peers).toEqual([{ peerId: alice.joined.peerId, identity: expect.any(String) }]);
    expect(joined.producers).toEqual([
      {
        producerId: alice.producerId,
        peerId: alice.joined.peerId,
        kind: 'audio',
        source: 'microphone',
        paused: false,
      },
    ]);
    expect(joined.routerRtpCapabilities).toHaveProperty('codecs');
    expect(await alice.client.next('peer:joined')).toEqual({ peerId: joined.peerId, identity: bobIdentity });
  });

  it('refuses a forged token: signed by a key that is not the relay’s', async () => {
    sfu = await startTestSfu();
    const mallory = await sfu.connect();
    const forger = makeRelayKey();
    const forged = forger.mint({ identity: newIdentity(), room: sfu.newRoom(), exp: sfu.clock.now + 60_000 });
    await expectRefused(mallory, forged, 'AUTH_FAILED');
  });

  it('refuses an expired token', async () => {
    sfu = await startTestSfu();
    const late = await sfu.connect();
    const token = sfu.token(newIdentity(), sfu.newRoom(), 60_000);
    sfu.clock.now += 60_001;
    await expectRefused(late, token, 'AUTH_FAILED');
  });

  it('does not let a token for one room open another', async () => {
    sfu = await startTestSfu();
    const groupRoom = sfu.newRoom();
    const alice = await joinAndPublish(sfu, groupRoom, 2222);
    // Mallory holds a genuine token, for her own room. Rewriting its room breaks the signature…
    const malloryRoom = sfu.newRoom();
    const token = sfu.token(newIdentity(), malloryRoom);
    const [body = '', signature = ''] = token.split('.');
    const claims = JSON.parse(new TextDecoder().decode(fromBase64Url(body))) as Record<string, unknown>;
    const retargeted = `${toBase64Url(new TextEncoder().encode(JSON.stringify({ ...claims, room: groupRoom })))}.${signature}`;
    const mallory = await sfu.connect();
    await expectRefused(mallory, retargeted, 'AUTH_FAILED');
    // …and the genuine token takes her to her own room, where none of the group's peers or media are.
    const joined = await mallory.ok('join', { token });
    expect(joined.peers).toEqual([]);
    expect(joined.producers).toEqual([]);
    const recv = await mallory.ok('transport:create', { direction: 'recv', plain: {} });
    expect(
      await mallory.request('consume', {
        transportId: recv.transportId,
        producerId: alice.producerId,
        rtpCapabilities: joined.routerRtpCapabilities,
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // A second token on the same connection cannot move it into the group's room either.
    expect(await mallory.request('join', { token: sfu.token(newIdentity(), groupRoom) })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
  });

  it('answers malformed requests with BAD_REQUEST and unknown ones with UNKNOWN_EVENT', async () => {
    sfu = await startTestSfu();
    const client = await sfu.connect();
    expect(await client.request('join', { token: 42 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await client.request('join', { token: 'not.a-token' })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_FAILED' },
    });
    expect(await client.request('explode' as never, {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_EVENT' },
    });
  });
});

describe('what one peer may hold', () => {
  it('refuses transports beyond the cap, so one token cannot exhaust a worker', async () => {
    sfu = await startTestSfu();
    const client = await sfu.connect();
    await client.ok('join', { token: sfu.token(newIdentity(), sfu.newRoom()) });
    for (let index = 0; index < 4; index += 1) await client.ok('transport:create', { direction: 'recv' });
    expect(await client.request('transport:create', { direction: 'recv' })).toMatchObject({
      ok: false,
      error: { code: 'QUOTA_EXCEEDED' },
    });
  });
});

describe('leaving a room', () => {
  for (const how of ['leave', 'socket drop'] as const) {
    it(`closes every transport, producer and consumer of the peer (${how})`, async () => {
      sfu = await startTestSfu();
      const room = sfu.newRoom();
      const alice = await joinAndPublish(sfu, room, 3333);
      const bob = await joinAndPublish(sfu, room, 4444);
      const aliceConsumes = await alice.client.ok('consume', {
        transportId: alice.recv.transportId,
        producerId: bob.producerId,
        rtpCapabilities: alice.joined.routerRtpCapabilities,
      });
      const bobConsumes = await bob.client.ok('consume', {
        transportId: bob.recv.transportId,
        producerId: alice.producerId,
        rtpCapabilities: bob.joined.routerRtpCapabilities,
      });
      const bobsObjects = [
        bob.send.transportId,
        bob.recv.transportId,
        bob.producerId,
        bobConsumes.consumerId,
      ];
      expect(await routerIds(sfu, room)).toEqual(expect.arrayContaining(bobsObjects));

      if (how === 'leave') await bob.client.ok('leave', {});
      else bob.client.close();
      expect(await alice.client.next('peer:left')).toEqual({ peerId: bob.joined.peerId });
      expect(await alice.client.next('consumer:closed')).toEqual({ consumerId: aliceConsumes.consumerId });

      const left = await routerIds(sfu, room);
      for (const id of bobsObjects) expect(left).not.toContain(id);
      expect(left).toEqual(expect.arrayContaining([alice.send.transportId, alice.producerId]));
    });
  }

  it('closes the room with its last peer', async () => {
    sfu = await startTestSfu();
    const room = sfu.newRoom();
    const alice = await joinAndPublish(sfu, room, 5555);
    const router = sfu.sfu.context.rooms.get(room)?.routerFor(0);
    expect(router?.closed).toBe(false);
    await alice.client.ok('leave', {});
    expect(sfu.sfu.context.rooms.get(room)).toBeUndefined();
    expect(router?.closed).toBe(true);
  });
});

describe('observing a room unseen (the dishonest SFU of the threat model, for tests only)', () => {
  it('is refused by an SFU without the test-only observers setting', async () => {
    sfu = await startTestSfu();
    const mallory = await sfu.connect();
    expect(
      await mallory.request('join', { token: sfu.token(newIdentity(), sfu.newRoom()), observe: true }),
    ).toMatchObject({ ok: false, error: { code: 'ACCESS_DENIED' } });
  });

  it('with the setting, consumes everyone while nobody is told, lists it or gets its media', async () => {
    sfu = await startTestSfu({ observers: true });
    const room = sfu.newRoom();
    const alice = await joinAndPublish(sfu, room, 5555);
    const observer = await sfu.connect();
    const watching = await observer.ok('join', { token: sfu.token(newIdentity(), room), observe: true });
    expect(watching.producers.map((producer) => producer.producerId)).toEqual([alice.producerId]);
    const recv = await observer.ok('transport:create', { direction: 'recv' });
    await observer.ok('consume', {
      transportId: recv.transportId,
      producerId: alice.producerId,
      rtpCapabilities: watching.routerRtpCapabilities,
    });
    const send = await observer.ok('transport:create', { direction: 'send', plain: { comedia: true } });
    expect(
      await observer.request('produce', {
        transportId: send.transportId,
        kind: 'audio',
        source: 'microphone',
        rtpParameters: opusParameters(6666),
      }),
    ).toMatchObject({ ok: false, error: { code: 'ACCESS_DENIED' } });

    // Carol joins after the observer: she is the first anyone is told of, and her list holds Alice only.
    const carolIdentity = newIdentity();
    const carol = await sfu.connect();
    const carolJoined = await carol.ok('join', { token: sfu.token(carolIdentity, room) });
    expect(carolJoined.peers).toEqual([{ peerId: alice.joined.peerId, identity: expect.any(String) }]);
    expect(await alice.client.next('peer:joined')).toEqual({
      peerId: carolJoined.peerId,
      identity: carolIdentity,
    });
    await observer.ok('leave', {});
    await carol.ok('leave', {});
    expect(await alice.client.next('peer:left')).toEqual({ peerId: carolJoined.peerId });
  });
});
