/// <reference types="node" />
/**
 * The worker_threads entry of Node's attachment crypto thread (worker-opener.node.ts): opens received
 * chunks and seals sent ones with libsodium, off the thread that owns the links.
 */
import { parentPort } from 'node:worker_threads';
import { nodeNativeBackend } from '../backend/native.node.js';
import { serveAttachmentWorker } from './worker-port.js';

const port = parentPort;
if (port === null) throw new Error('opener-worker.node.ts runs as a worker thread');
serveAttachmentWorker(
  {
    postMessage: (message, transfer) => port.postMessage(message, transfer),
    onMessage: (listener) => port.on('message', listener),
  },
  nodeNativeBackend,
);
