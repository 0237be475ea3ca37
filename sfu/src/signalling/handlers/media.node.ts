import { ParleyError } from '@parley/core';
import { applyViewport, consume as consumeProducer } from '../../rooms/consume.node.js';
import type { SfuHandler } from './types.js';

export const produce: SfuHandler<'produce'> = {
  async handle(request, { session }) {
    const { room, peer } = session.inRoom();
    const transport = peer.transport(request.transportId);
    if (transport.appData['direction'] !== 'send')
      throw new ParleyError('BAD_REQUEST', 'not a send transport');
    const producer = await room.produce(peer, transport, request);
    return { producerId: producer.id };
  },
};

export const pauseProducer: SfuHandler<'producer:pause'> = {
  async handle(request, { session }) {
    const producer = session.inRoom().peer.producer(request.producerId);
    if (request.paused) await producer.pause();
    else await producer.resume();
    return {};
  },
};

export const closeProducer: SfuHandler<'producer:close'> = {
  handle(request, { session }) {
    session.inRoom().peer.producer(request.producerId).close();
    return {};
  },
};

export const consume: SfuHandler<'consume'> = {
  async handle(request, { session }) {
    const { room, peer } = session.inRoom();
    const transport = peer.transport(request.transportId);
    if (transport.appData['direction'] !== 'recv')
      throw new ParleyError('BAD_REQUEST', 'not a receive transport');
    return consumeProducer(room, peer, transport, request);
  },
};

export const resumeConsumer: SfuHandler<'consumer:resume'> = {
  async handle(request, { session }) {
    await session.inRoom().peer.consumer(request.consumerId).resume();
    return {};
  },
};

export const setViewport: SfuHandler<'consumer:viewport'> = {
  async handle(request, { session }) {
    const consumer = session.inRoom().peer.consumer(request.consumerId);
    return { preferredLayers: await applyViewport(consumer, request.viewport) };
  },
};
