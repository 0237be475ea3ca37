import { afterEach, describe, expect, it } from 'vitest';
import {
  newIdentity,
  opusParameters,
  simulcastVp8Parameters,
  startTestSfu,
  type TestSfu,
} from '../testing/harness.node.js';
import { AUDIO_PAYLOAD, rtpPacket, rtpReceiver, rtpSender, type RtpReceiver } from '../testing/rtp.node.js';

let sfu: TestSfu | undefined;
const receivers: RtpReceiver[] = [];
afterEach(async () => {
  for (const receiver of receivers.splice(0)) receiver.close();
  await sfu?.stop();
  sfu = undefined;
});

async function joinPeer(test: TestSfu, room: string) {
  const client = await test.connect();
  const joined = await client.ok('join', { token: test.token(newIdentity(), room) });
  return { client, joined };
}

/** Opens a comedia PlainTransport and produces synthetic Opus on it; returns a function that sends packets. */
async function publishAudio(test: TestSfu, peer: Awaited<ReturnType<typeof joinPeer>>, ssrc: number) {
  const send = await peer.client.ok('transport:create', { direction: 'send', plain: { comedia: true } });
  const { producerId } = await peer.client.ok('produce', {
    transportId: send.transportId,
    kind: 'audio',
    source: 'microphone',
    rtpParameters: opusParameters(ssrc),
  });
  const sender = await rtpSender(send.ip ?? '', send.port ?? 0);
  let sequence = 0;
  const push = async (packets: number) => {
    for (let index = 0; index < packets; index += 1, sequence += 1) {
      await sender.send(
        rtpPacket({ ssrc, payloadType: 100, clockRate: 48_000 }, sequence, sequence * 960, AUDIO_PAYLOAD, 10),
      );
    }
  };
  return { producerId, push, close: () => sender.close() };
}

/** Opens a PlainTransport that sends to a local UDP receiver, and consumes `producerId` on it, resumed. */
async function receive(peer: Awaited<ReturnType<typeof joinPeer>>, producerId: string, viewport?: object) {
  const receiver = await rtpReceiver();
  receivers.push(receiver);
  const recv = await peer.client.ok('transport:create', { direction: 'recv', plain: {} });
  await peer.client.ok('transport:connect', {
    transportId: recv.transportId,
    plain: { ip: '127.0.0.1', port: receiver.port },
  });
  const consumed = await peer.client.ok('consume', {
    transportId: recv.transportId,
    producerId,
    rtpCapabilities: peer.joined.routerRtpCapabilities,
    ...(viewport ? { viewport } : {}),
  });
  await peer.client.ok('consumer:resume', { consumerId: consumed.consumerId });
  const ssrc = (consumed.rtpParameters as { encodings: Array<{ ssrc: number }> }).encodings[0]?.ssrc ?? 0;
  return { receiver, consumed, ssrc };
}

/** Sends in rounds until `receiver` has `count` packets of `ssrc`: UDP on loopback may drop under load. */
async function pushUntil(
  push: (packets: number) => Promise<void>,
  receiver: RtpReceiver,
  ssrc: number,
  count: number,
) {
  const arrived = receiver.waitFor(ssrc, count);
  let done = false;
  void arrived.then(() => (done = true));
  while (!done) {
    await push(10);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await arrived;
}

describe('media through the SFU', () => {
  it('forwards synthetic RTP from one peer’s producer to another peer’s consumer', async () => {
    sfu = await startTestSfu();
    const room = sfu.newRoom();
    const alice = await joinPeer(sfu, room);
    const bob = await joinPeer(sfu, room);
    const audio = await publishAudio(sfu, alice, 7001);
    expect(await bob.client.next('producer:new')).toMatchObject({
      producerId: audio.producerId,
      kind: 'audio',
    });
    const { receiver, ssrc } = await receive(bob, audio.producerId);
    await pushUntil(audio.push, receiver, ssrc, 50);
    expect(receiver.counts.get(ssrc)).toBeGreaterThanOrEqual(50);
    // Nothing arrives under the sender's own SSRC: the SFU rewrites it for the consumer.
    expect(receiver.counts.has(7001)).toBe(false);
    audio.close();
  });

  it('reports each speaker’s audio level to the room', async () => {
    sfu = await startTestSfu({ audioLevels: { intervalMs: 250, thresholdDbov: -127 } });
    const room = sfu.newRoom();
    const alice = await joinPeer(sfu, room);
    const bob = await joinPeer(sfu, room);
    const audio = await publishAudio(sfu, alice, 7002);
    const levels = bob.client.next('audio:levels', ({ levels }) => levels.length > 0);
    let heard = false;
    void levels.then(() => (heard = true));
    while (!heard) {
      await audio.push(5);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await levels).levels[0]).toMatchObject({
      peerId: alice.joined.peerId,
      producerId: audio.producerId,
    });
    audio.close();
  });

  it('applies the layers that fit each viewer’s tile and bandwidth to a simulcast camera (setPreferredLayers)', async () => {
    sfu = await startTestSfu();
    const room = sfu.newRoom();
    const alice = await joinPeer(sfu, room);
    const bob = await joinPeer(sfu, room);
    const send = await alice.client.ok('transport:create', { direction: 'send', plain: { comedia: true } });
    const { producerId } = await alice.client.ok('produce', {
      transportId: send.transportId,
      kind: 'video',
      source: 'camera',
      rtpParameters: simulcastVp8Parameters([8001, 8002, 8003]),
    });
    const small = await receive(bob, producerId, { width: 320, height: 180 });
    expect(small.consumed.preferredLayers).toEqual({ spatialLayer: 0, temporalLayer: 2 });
    const large = await receive(bob, producerId, { width: 1280, height: 720 });
    expect(large.consumed.preferredLayers).toEqual({ spatialLayer: 2, temporalLayer: 2 });

    const peer = [...(sfu.sfu.context.rooms.get(room)?.peers.values() ?? [])].find(
      (p) => p.id === bob.joined.peerId,
    );
    // mediasoup records the layers once the worker has applied them.
    expect(peer?.consumer(small.consumed.consumerId).type).toBe('simulcast');
    expect(peer?.consumer(small.consumed.consumerId).preferredLayers).toEqual({
      spatialLayer: 0,
      temporalLayer: 2,
    });
    expect(peer?.consumer(large.consumed.consumerId).preferredLayers).toEqual({
      spatialLayer: 2,
      temporalLayer: 2,
    });

    // The viewer's tile grows, but its bandwidth is short: the middle layer.
    const resized = await bob.client.ok('consumer:viewport', {
      consumerId: small.consumed.consumerId,
      viewport: { width: 1280, height: 720, bandwidth: 600_000 },
    });
    expect(resized.preferredLayers).toEqual({ spatialLayer: 1, temporalLayer: 2 });
    expect(peer?.consumer(small.consumed.consumerId).preferredLayers).toEqual({
      spatialLayer: 1,
      temporalLayer: 2,
    });
  });

  it('spreads a room that fills its worker onto another worker, piping producers there (pipeToRouter)', async () => {
    sfu = await startTestSfu({ workers: 2, maxConsumersPerWorker: 2 });
    const room = sfu.newRoom();
    const alice = await joinPeer(sfu, room);
    const bob = await joinPeer(sfu, room);
    const audio = await publishAudio(sfu, alice, 7003);
    const bobHears = await receive(bob, audio.producerId);
    const bobAgain = await receive(bob, audio.producerId);
    const [first, second] = sfu.sfu.context.pool.all();
    expect(first?.consumers.size).toBe(2);
    expect(second?.consumers.size).toBe(0);

    // The first worker is full: Carol lands on the second, and Alice's producer is piped there for her.
    const carol = await joinPeer(sfu, room);
    const carolHears = await receive(carol, audio.producerId);
    expect(second?.consumers.size).toBe(1);
    const secondRouter = sfu.sfu.context.rooms.get(room)?.routerFor(1);
    const dump = await secondRouter?.dump();
    expect(dump?.mapProducerIdConsumerIds).toContainEqual({
      key: audio.producerId,
      values: [carolHears.consumed.consumerId],
    });

    // And media crosses the workers.
    await pushUntil(audio.push, carolHears.receiver, carolHears.ssrc, 30);
    await pushUntil(audio.push, bobHears.receiver, bobHears.ssrc, 30);
    expect(bobAgain.consumed.consumerId).not.toBe(bobHears.consumed.consumerId);
    audio.close();
  });
});
