/// <reference types="node" />
import { Worker } from 'node:worker_threads';
import { channelOpener } from './opener-port.js';
import type { AttachmentOpener, AttachmentOpenerFactory } from './opener.js';
import { channelSealer } from './sealer-port.js';
import type { AttachmentSealer, AttachmentSealerFactory } from './sealer.js';
import { channelCalls, sharedCalls, type AttachmentChannel } from './worker-port.js';

/**
 * A worker thread running libsodium for attachments (opener-worker.node.ts): it opens received files' chunks
 * and seals sent ones while the thread that owns the links goes on. It keeps the process alive only while
 * batches are pending.
 */
function startWorker(): AttachmentChannel {
  // Core runs in Node from its TypeScript sources (tsx, vitest); a compiled build runs the .js entry.
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSources ? './opener-worker.node.ts' : './opener-worker.node.js', import.meta.url);
  const worker = fromSources
    ? new Worker(new URL('./opener-worker.bootstrap.node.mjs', import.meta.url), {
        workerData: { entry: entry.href },
      })
    : new Worker(entry);
  return {
    postMessage: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (listener) => worker.on('message', listener),
    onError: (listener) => {
      worker.on('error', listener);
      worker.on('exit', (code) => listener(new Error(`the worker exited (code ${code})`)));
    },
    terminate: () => void worker.terminate(),
    ref: () => worker.ref(),
    unref: () => worker.unref(),
  };
}

/**
 * An AttachmentOpener on a worker thread of its own, for Node hosts (the client's `attachmentOpener`):
 * received files are decrypted there with libsodium, straight into the sink's shared memory.
 */
export function workerOpener(): AttachmentOpener {
  return channelOpener(startWorker(), { sharedMemory: true });
}
/** A worker thread shares the process's memory: the engine's default sink can be a SharedArrayBuffer. */
workerOpener.sharedMemory = true;

/** An AttachmentSealer on a worker thread of its own (the client's `attachmentSealer`). */
export function workerSealer(): AttachmentSealer {
  return channelSealer(startWorker());
}

/**
 * The client options for one crypto worker serving both directions, a fresh pair per client:
 * `new ParleyClient({ ...workerCrypto(), … })`. The thread starts with the first file sent or received and
 * stops once the client closed both.
 */
export function workerCrypto(): {
  attachmentOpener: AttachmentOpenerFactory;
  attachmentSealer: AttachmentSealerFactory;
} {
  const lease = sharedCalls(() => channelCalls(startWorker()));
  const attachmentOpener = Object.assign(() => channelOpener(lease(), { sharedMemory: true }), {
    sharedMemory: true,
  });
  return { attachmentOpener, attachmentSealer: () => channelSealer(lease()) };
}
