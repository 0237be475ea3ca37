import { join, leave, rejoin } from './membership.node.js';
import { closeProducer, consume, pauseProducer, produce, resumeConsumer, setViewport } from './media.node.js';
import { connectTransport, createTransport } from './transports.node.js';
import type { SfuHandlerTable } from './types.js';

/** Every SFU request and its handler; the type makes a missing entry a compile error. */
export const handlerTable: SfuHandlerTable = {
  join,
  rejoin,
  leave,
  'transport:create': createTransport,
  'transport:connect': connectTransport,
  produce,
  'producer:pause': pauseProducer,
  'producer:close': closeProducer,
  consume,
  'consumer:resume': resumeConsumer,
  'consumer:viewport': setViewport,
};
