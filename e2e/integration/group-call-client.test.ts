import { randomBytes } from 'node:crypto';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { FakeHandler, testFakeParameters } from 'mediasoup-client';
import nacl from 'tweetnacl';
import { afterEach, describe, expect, it } from 'vitest';
import {
  encodeSfuToken,
  isParleyError,
  ParleyError,
  toBase64Url,
  type GroupCallTicket,
  type SfuClientEventName,
  type SfuClientRequest,
  type SfuResponses,
} from '@parley/core';
import { defaultSfuConfig, startSfu, type Sfu } from '@parley/sfu';
import { GroupCall } from '../../desktop/src/renderer/features/group-calls/group-call.dom.js';
import { SfuConnection } from '../../desktop/src/renderer/features/group-calls/sfu-connection.dom.js';
import type { GroupCallMediaHooks } from '../../desktop/src/renderer/features/group-calls/media-hooks.js';
import { mediasoupWorker } from '../browser/support/call-server.js';
import { until } from './support/harness.js';

/*
 * The app's group-call client (GroupCall / CallMedia, mediasoup-client) against a real SFU with a real
 * mediasoup worker, in Node: mediasoup-client's FakeHandler stands in for the browser's RTCPeerConnection
 * (no packets flow), so what is checked is everything the client asks of the SFU — join, transports,
 * producers (camera as three simulcast layers), consumers, viewports, leave, and the rejoin after the worker
 * is killed. The media themselves are checked in Chromium (e2e/browser/group-call.spec.ts).
 */

const relayKey = nacl.sign.keyPair();
const otherKey = nacl.sign.keyPair();
const sign = (key: nacl.SignKeyPair) => (message: Uint8Array) => nacl.sign.detached(message, key.secretKey);

let sfu: Sfu | undefined;
const calls: GroupCall[] = [];
afterEach(async () => {
  for (const call of calls.splice(0)) await call.leave();
  await sfu?.close();
  sfu = undefined;
});

async function startCallServer(): Promise<Sfu> {
  sfu = await startSfu(
    defaultSfuConfig({
      relayPublicKey: relayKey.publicKey,
      port: 0,
      host: '127.0.0.1',
      workers: 1,
      workerBin: mediasoupWorker(),
      listenIp: '127.0.0.1',
      rtcPort: 0,
      logLevel: 'silent',
    }),
  );
  return sfu;
}

function fakeStream() {
  const tracks = [new FakeMediaStreamTrack({ kind: 'audio' }), new FakeMediaStreamTrack({ kind: 'video' })];
  return {
    getTracks: () => tracks,
    getAudioTracks: () => tracks.filter((track) => track.kind === 'audio'),
    getVideoTracks: () => tracks.filter((track) => track.kind === 'video'),
  } as unknown as MediaStream;
}

/** A participant: tickets as the relay would sign them (`key`, `ttlMs`), fake devices and handler. */
function participant(
  server: Sfu,
  room: string,
  options: {
    key?: nacl.SignKeyPair;
    ttlMs?: number;
    hooks?: GroupCallMediaHooks;
    connect?: (url: string) => SfuConnection;
  } = {},
) {
  const identity = toBase64Url(randomBytes(32));
  const call = new GroupCall({
    groupId: 'group',
    ticket: async (): Promise<GroupCallTicket> => {
      const expiresAt = Date.now() + (options.ttlMs ?? 60_000);
      const token = encodeSfuToken({ v: 1, identity, room, exp: expiresAt }, sign(options.key ?? relayKey));
      return { groupId: 'group', room, token, expiresAt, url: server.url };
    },
    media: async () => fakeStream(),
    handlerFactory: FakeHandler.createFactory(testFakeParameters),
    retryDelayMs: () => 50,
    ...(options.hooks === undefined ? {} : { hooks: options.hooks }),
    ...(options.connect === undefined ? {} : { connect: options.connect }),
  });
  calls.push(call);
  return call;
}

function roomOf(server: Sfu) {
  const rooms = [...server.context.rooms.all()];
  return rooms.length === 1 ? rooms[0] : undefined;
}

/**
 * A connection whose answers to the first `times` requests named `event` never arrive (the request reaches the
 * SFU, which acts on it): what a client sees when an overloaded SFU answers after the request's timeout.
 */
class AnswerLost extends SfuConnection {
  constructor(
    url: string,
    private readonly event: string,
    private times: number,
  ) {
    super(url);
  }

  override async request<E extends SfuClientEventName>(
    event: E,
    payload: SfuClientRequest<E>,
  ): Promise<SfuResponses[E]> {
    if (event !== this.event || this.times === 0) return super.request(event, payload);
    this.times -= 1;
    await super.request(event, payload).catch(() => undefined);
    throw new ParleyError('UNAVAILABLE', `the call server did not answer ${event}`);
  }
}

/** Every peer in the room has its two producers and consumes the others' (2 per other peer). */
function settled(server: Sfu, peers: number): boolean {
  const room = roomOf(server);
  if (room === undefined || room.peers.size !== peers) return false;
  return [...room.peers.values()].every(
    (peer) =>
      peer.producers.size === 2 && peer.consumers.size === 2 * (peers - 1) && peer.transports.size === 2,
  );
}

describe('the group call client on a real SFU', () => {
  it('joins, publishes camera (three simulcast layers) and microphone, consumes everyone, sends tile sizes, comes back after the worker is killed, and leaves nothing behind', async () => {
    const server = await startCallServer();
    const room = toBase64Url(randomBytes(32));
    const [a, b, c] = [participant(server, room), participant(server, room), participant(server, room)];
    for (const call of [a, b, c]) await call.start();
    await until(() => settled(server, 3), 'three peers publishing and consuming');
    for (const call of [a, b, c]) {
      const { phase, participants } = call.snapshot();
      expect(phase).toBe('in-call');
      expect(participants.map((p) => p.tracks.length)).toEqual([2, 2]);
    }
    const sfuRoom = roomOf(server);
    const cameras = [...(sfuRoom?.peers.values() ?? [])].flatMap((peer) =>
      [...peer.producers.values()].filter((producer) => producer.kind === 'video'),
    );
    expect(cameras.map((camera) => [camera.type, camera.rtpParameters.encodings?.length])).toEqual([
      ['simulcast', 3],
      ['simulcast', 3],
      ['simulcast', 3],
    ]);
    // VP8, named by the client though the router offers VP9 and H.264 too: frame encryption drops the others.
    expect(cameras.map((camera) => camera.rtpParameters.codecs[0]?.mimeType)).toEqual([
      'video/VP8',
      'video/VP8',
      'video/VP8',
    ]);

    // A shows B in a small tile and C large: the SFU prefers a lower layer for B's camera than for C's.
    const [bPeer, cPeer] = a.snapshot().participants;
    if (bPeer === undefined || cPeer === undefined) throw new Error('A sees nobody');
    await a.setViewport(bPeer.peerId, 'camera', { width: 160, height: 90 });
    await a.setViewport(cPeer.peerId, 'camera', { width: 1280, height: 720 });
    const aPeer = sfuRoom?.peers.get(a.snapshot().selfPeerId ?? '');
    const layerFor = (owner: string) => {
      const producers = sfuRoom?.peers.get(owner)?.producers;
      const consumer = [...(aPeer?.consumers.values() ?? [])].find(
        (candidate) => candidate.kind === 'video' && producers?.has(candidate.producerId) === true,
      );
      return consumer?.preferredLayers?.spatialLayer;
    };
    expect(layerFor(bPeer.peerId)).toBe(0);
    expect(layerFor(cPeer.peerId)).toBe(2);

    // The worker dies: every client rejoins and publishes again by itself; tile sizes are kept.
    const worker = server.context.pool.all()[0]?.worker;
    if (worker === undefined) throw new Error('no worker');
    process.kill(worker.pid, 'SIGKILL');
    await until(
      () => [a, b, c].every((call) => call.snapshot().recoveries >= 1 && call.snapshot().phase === 'in-call'),
      'everyone back in the call',
    );
    await until(() => settled(server, 3), 'three peers publishing and consuming again');

    // C leaves: the router keeps none of its transports, producers or consumers; A and B are told.
    const restarted = roomOf(server);
    const cId = c.snapshot().selfPeerId ?? '';
    const cOnSfu = restarted?.peers.get(cId);
    if (restarted === undefined || cOnSfu === undefined) throw new Error('C is not on the SFU');
    const owned = [...cOnSfu.transports.keys(), ...cOnSfu.producers.keys(), ...cOnSfu.consumers.keys()];
    expect(owned).toHaveLength(2 + 2 + 4);
    await c.leave();
    await until(() => settled(server, 2), 'two peers left');
    const dump = await cOnSfu.router.dump();
    const remaining = [
      ...dump.transportIds,
      ...dump.mapProducerIdConsumerIds.map(({ key }) => key),
      ...dump.mapConsumerIdProducerId.map(({ key }) => key),
    ];
    expect(remaining.filter((id) => owned.includes(id))).toEqual([]);
    for (const call of [a, b]) {
      await until(() => call.snapshot().participants.length === 1, 'C gone from the call');
      expect(call.snapshot().events.at(-1)).toMatchObject({ kind: 'left' });
    }
  });

  it('asks again when the answer to consume or consumer:resume is lost, and the SFU keeps one consumer per track, every one resumed', async () => {
    const server = await startCallServer();
    const room = toBase64Url(randomBytes(32));
    const [a, b] = [participant(server, room), participant(server, room)];
    for (const call of [a, b]) await call.start();
    await until(() => settled(server, 2), 'two peers publishing and consuming');
    for (const event of ['consume', 'consumer:resume']) {
      const late = participant(server, room, { connect: (url) => new AnswerLost(url, event, 2) });
      await late.start();
      await until(() => settled(server, 3), `three peers publishing and consuming (${event} lost twice)`);
      await until(
        () => late.snapshot().participants.every((someone) => someone.tracks.length === 2),
        'the late joiner has both tracks of both others',
      );
      const consumers = [...(roomOf(server)?.peers.values() ?? [])].flatMap((peer) => [
        ...peer.consumers.values(),
      ]);
      expect(consumers).toHaveLength(12);
      expect(consumers.filter((consumer) => consumer.paused)).toEqual([]);
      await late.leave();
      await until(() => settled(server, 2), 'the late joiner gone');
    }
  });

  it('is refused with AUTH_FAILED for a ticket another key signed or one that expired, and says so', async () => {
    const server = await startCallServer();
    const room = toBase64Url(randomBytes(32));
    for (const options of [{ key: otherKey }, { ttlMs: -1 }]) {
      const call = participant(server, room, options);
      await expect(call.start()).rejects.toSatisfy((error) => isParleyError(error, 'AUTH_FAILED'));
      expect(call.snapshot().phase).toBe('failed');
      expect(isParleyError(call.snapshot().error, 'AUTH_FAILED')).toBe(true);
    }
    expect(roomOf(server)).toBeUndefined();
  });

  it("keeps the media hooks' participants in step with the SFU's peers through joins, a worker restart and leaves, and closes them when the call ends", async () => {
    const server = await startCallServer();
    const room = toBase64Url(randomBytes(32));
    const heard = new Map<string, string>();
    let closes = 0;
    const hooks: GroupCallMediaHooks = {
      joined: ({ peerId, identity }) => heard.set(peerId, identity),
      left: ({ peerId }) => heard.delete(peerId),
      close: () => (closes += 1),
    };
    const [a, b, c] = [
      participant(server, room, { hooks }),
      participant(server, room),
      participant(server, room),
    ];
    for (const call of [a, b, c]) await call.start();
    await until(() => settled(server, 3), 'three peers publishing and consuming');
    const others = () =>
      new Set([...(roomOf(server)?.peers.keys() ?? [])].filter((id) => id !== a.snapshot().selfPeerId));
    expect(new Set(heard.keys())).toEqual(others());

    // New peer ids after the worker dies: the hooks hear the old ones leave, not just the new ones join.
    const worker = server.context.pool.all()[0]?.worker;
    if (worker === undefined) throw new Error('no worker');
    const before = new Set(heard.keys());
    process.kill(worker.pid, 'SIGKILL');
    await until(() => [a, b, c].every((call) => call.snapshot().recoveries >= 1), 'everyone back');
    await until(() => settled(server, 3), 'three peers again');
    await until(() => a.snapshot().participants.length === 2, 'A sees both again');
    expect(new Set(heard.keys())).toEqual(others());
    expect([...heard.keys()].filter((id) => before.has(id))).toEqual([]);

    await c.leave();
    await until(() => heard.size === 1, 'C gone from the hooks');
    expect(new Set(heard.keys())).toEqual(others());
    expect(closes).toBe(0);
    await a.leave();
    await a.leave();
    expect(closes).toBe(1);
  });
});
