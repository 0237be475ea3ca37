/// <reference types="node" />
/**
 * The worker_threads entry of the Node opener (worker-opener.node.ts): opens attachment batches with
 * libsodium off the thread that owns the links.
 */
import { parentPort } from 'node:worker_threads';
import { nodeNativeBackend } from '../backend/native.node.js';
import { serveOpener } from './opener-port.js';

const port = parentPort;
if (port === null) throw new Error('opener-worker.node.ts runs as a worker thread');
serveOpener(
  {
    postMessage: (message, transfer) => port.postMessage(message, transfer),
    onMessage: (listener) => port.on('message', listener),
  },
  nodeNativeBackend,
);
