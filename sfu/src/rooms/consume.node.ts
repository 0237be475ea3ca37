import { ParleyError, type SfuResponses, type Viewport } from '@parley/core';
import type { types } from 'mediasoup';
import type { Peer } from '../peers/peer.node.js';
import { ladderOf, pickLayers } from './layers.js';
import type { Room } from './room.node.js';

type ConsumeRequest = { producerId: string; rtpCapabilities: unknown; viewport?: Viewport | undefined };

/**
 * A consumer of `producerId` for `peer`, paused (the client resumes it once its side is ready, so the first
 * packet it gets can be a keyframe). Simulcast and SVC consumers start at the layers the viewer's tile needs.
 *
 * Idempotent per transport and producer: a client whose answer was lost (an overloaded SFU answering after
 * the client's timeout) asks again and gets the consumer the first request made — finished, or still being
 * made — instead of a second one nobody would ever resume.
 */
export async function consume(
  room: Room,
  peer: Peer,
  transport: types.Transport,
  request: ConsumeRequest,
): Promise<SfuResponses['consume']> {
  const key = `${transport.id}\n${request.producerId}`;
  const made = peer.consuming.get(key) ?? newConsumer(room, peer, transport, request);
  if (!peer.consuming.has(key)) {
    peer.consuming.set(key, made);
    made.then(
      (consumer) => consumer.observer.once('close', () => peer.consuming.delete(key)),
      () => peer.consuming.delete(key),
    );
  }
  const consumer = await made;
  if (consumer.closed) throw new ParleyError('NOT_FOUND', 'that producer has closed');
  const preferredLayers = request.viewport ? await applyViewport(consumer, request.viewport) : undefined;
  return {
    consumerId: consumer.id,
    producerId: request.producerId,
    kind: consumer.kind,
    rtpParameters: consumer.rtpParameters,
    ...(preferredLayers ? { preferredLayers } : {}),
  };
}

async function newConsumer(
  room: Room,
  peer: Peer,
  transport: types.Transport,
  request: ConsumeRequest,
): Promise<types.Consumer> {
  peer.assertRoomFor('consumers');
  const producer = room.producer(request.producerId);
  await room.bringProducerTo(peer, request.producerId);
  const rtpCapabilities = request.rtpCapabilities as types.RtpCapabilities;
  if (!peer.router.canConsume({ producerId: request.producerId, rtpCapabilities })) {
    throw new ParleyError('BAD_REQUEST', 'these RTP capabilities cannot receive that producer');
  }
  const consumer = await transport.consume({
    producerId: request.producerId,
    rtpCapabilities,
    paused: true,
    // The sender's ladder (each layer's size and bitrate), which the consumer's own parameters do not show.
    appData: { producerEncodings: producer.rtpParameters.encodings ?? [] },
  });
  if (peer.isClosed) {
    consumer.close();
    throw new ParleyError('CLOSED', 'this peer has left the room');
  }
  peer.addConsumer(consumer);
  const closed = () => peer.notify('consumer:closed', { consumerId: consumer.id });
  consumer.on('producerclose', closed);
  consumer.on('layerschange', (layers) => {
    if (layers) {
      peer.notify('consumer:layers', {
        consumerId: consumer.id,
        spatialLayer: layers.spatialLayer,
        temporalLayer: layers.temporalLayer ?? 0,
      });
    }
  });
  return consumer;
}

/**
 * Sets the layers that fit what the viewer reported (tile size, bandwidth). Returns them, or null for a
 * consumer without layers (audio, single-encoding video).
 */
export async function applyViewport(
  consumer: types.Consumer,
  viewport: Viewport,
): Promise<{ spatialLayer: number; temporalLayer: number } | null> {
  if (consumer.type !== 'simulcast' && consumer.type !== 'svc') return null;
  // The consumer's own encodings hide the producer's ladder; the producer's are what the sender sends.
  const encodings = consumer.appData['producerEncodings'] as types.RtpEncodingParameters[] | undefined;
  const ladder = ladderOf(encodings ?? consumer.rtpParameters.encodings ?? []);
  const layers = pickLayers(viewport, ladder);
  await consumer.setPreferredLayers(layers);
  return layers;
}
