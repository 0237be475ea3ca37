import wrtc from '@roamhq/wrtc';
import type { types as clientTypes } from 'mediasoup-client';
import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup';
import { afterEach, describe, expect, it } from 'vitest';
import type { SfuTestClient } from '../testing/client.node.js';
import { newIdentity, startTestSfu, type TestSfu } from '../testing/harness.node.js';

// Opens WebRTC: run inside the loopback-only namespace (unshare -rn), as .ci/run does.

/*
 * Issue 14: a viewer's small tile asked for simulcast layer 0 and kept receiving layer 1. libwebrtc
 * negotiates abs-capture-time and sends it on no packet of a camera it captures itself; mediasoup's worker
 * took its capture instants from that extension alone, so no stream ever had the capture mapping a
 * simulcast consumer needs to switch (sfu/scripts/worker-patches/). This test sends real simulcast
 * SRTP/SRTCP from libwebrtc (@roamhq/wrtc, through mediasoup-client as the app does) and follows the layers
 * the worker actually forwards.
 */

// mediasoup-client's Chrome111 handler uses the browser's WebRTC globals; @roamhq/wrtc provides them.
const globals = globalThis as Record<string, unknown>;
for (const name of ['RTCPeerConnection', 'RTCSessionDescription', 'RTCIceCandidate', 'MediaStream'] as const)
  globals[name] ??= wrtc[name];

/** A 720p camera made of synthetic frames, so libwebrtc sends all three simulcast layers. */
function syntheticCamera() {
  const width = 1280;
  const height = 720;
  const source = new wrtc.nonstandard.RTCVideoSource();
  const track = source.createTrack();
  const data = new Uint8Array(width * height * 1.5);
  let frame = 0;
  const timer = setInterval(() => {
    frame += 1;
    // Change some pixels each frame, so the encoder has something to send on every layer.
    for (let index = 0; index < width * height; index += 97) data[index] = (index + frame * 7) & 255;
    source.onFrame({ width, height, data });
  }, 66);
  return {
    track: track as unknown as NonNullable<clientTypes.ProducerOptions['track']>,
    stop() {
      clearInterval(timer);
      track.stop();
    },
  };
}

/** A client-side transport driven over the SFU's signalling, as the app's CallMedia does. */
async function transport(client: SfuTestClient, device: Device, direction: 'send' | 'recv') {
  const created = await client.ok('transport:create', { direction });
  const options = {
    id: created.transportId,
    iceParameters: created.iceParameters as clientTypes.IceParameters,
    iceCandidates: created.iceCandidates as clientTypes.IceCandidate[],
    dtlsParameters: created.dtlsParameters as clientTypes.DtlsParameters,
  };
  const local =
    direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
  local.on('connect', ({ dtlsParameters }, resolve, reject) => {
    client
      .ok('transport:connect', { transportId: created.transportId, dtlsParameters })
      .then(() => resolve(), reject);
  });
  return local;
}

let sfu: TestSfu | undefined;
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  await sfu?.stop();
  sfu = undefined;
});

describe('simulcast through the worker, from a libwebrtc sender', () => {
  it('forwards the lowest layer to a small tile and the highest to a large one, switching both ways', async () => {
    sfu = await startTestSfu({ workers: 1 });
    const room = sfu.newRoom();
    const alice = await sfu.connect();
    const bob = await sfu.connect();
    const aliceJoined = await alice.ok('join', { token: sfu.token(newIdentity(), room) });
    const bobJoined = await bob.ok('join', { token: sfu.token(newIdentity(), room) });

    // Alice sends her camera in the app's three encodings.
    const aliceDevice = new Device({ handlerName: 'Chrome111' });
    await aliceDevice.load({
      routerRtpCapabilities: aliceJoined.routerRtpCapabilities as clientTypes.RtpCapabilities,
    });
    const send = await transport(alice, aliceDevice, 'send');
    cleanups.push(() => send.close());
    send.on('produce', ({ kind, rtpParameters }, resolve, reject) => {
      alice
        .ok('produce', { transportId: send.id, kind, source: 'camera', rtpParameters })
        .then(({ producerId }) => resolve({ id: producerId }), reject);
    });
    const camera = syntheticCamera();
    cleanups.push(() => camera.stop());
    const announced = bob.next('producer:new', (producer) => producer.kind === 'video');
    const producer = await send.produce({
      track: camera.track,
      encodings: [
        { scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
        { scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
        { scaleResolutionDownBy: 1, maxBitrate: 1_500_000, scalabilityMode: 'L1T3' },
      ],
    });
    cleanups.push(() => producer.close());
    const { producerId } = await announced;

    // Bob watches it in a small tile (180p is enough): the SFU asks for layer 0.
    const bobDevice = new Device({ handlerName: 'Chrome111' });
    await bobDevice.load({
      routerRtpCapabilities: bobJoined.routerRtpCapabilities as clientTypes.RtpCapabilities,
    });
    const recv = await transport(bob, bobDevice, 'recv');
    cleanups.push(() => recv.close());
    const consumed = await bob.ok('consume', {
      transportId: recv.id,
      producerId,
      rtpCapabilities: bobDevice.rtpCapabilities,
      viewport: { width: 320, height: 180 },
    });
    expect(consumed.preferredLayers?.spatialLayer).toBe(0);
    await recv.consume({
      id: consumed.consumerId,
      producerId,
      kind: 'video',
      rtpParameters: consumed.rtpParameters as clientTypes.RtpParameters,
    });
    await bob.ok('consumer:resume', { consumerId: consumed.consumerId });

    const serverConsumer = sfu.sfu.context.rooms
      .get(room)
      ?.peers.get(bobJoined.peerId)
      ?.consumers.get(consumed.consumerId) as types.Consumer | undefined;
    if (serverConsumer === undefined) throw new Error("Bob's consumer is not on the SFU");
    const forwarded = () => serverConsumer.currentLayers?.spatialLayer;
    const layersArriving = () => serverConsumer.score.producerScores.filter((score) => score > 0).length;

    // All three of Alice's layers arrive; the small tile gets the lowest.
    await expect.poll(layersArriving, { timeout: 60_000, interval: 500 }).toBe(3);
    await expect.poll(forwarded, { timeout: 60_000, interval: 500 }).toBe(0);

    // Bob pins Alice: a 720p tile gets the top layer.
    const large = await bob.ok('consumer:viewport', {
      consumerId: consumed.consumerId,
      viewport: { width: 1280, height: 720 },
    });
    expect(large.preferredLayers?.spatialLayer).toBe(2);
    await expect.poll(forwarded, { timeout: 60_000, interval: 500 }).toBe(2);

    // And back to the small strip: down to layer 0 again.
    await bob.ok('consumer:viewport', {
      consumerId: consumed.consumerId,
      viewport: { width: 320, height: 180 },
    });
    await expect.poll(forwarded, { timeout: 60_000, interval: 500 }).toBe(0);
  }, 600_000);
});
