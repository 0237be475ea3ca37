/// <reference types="node" />
import { Worker } from 'node:worker_threads';
import { channelOpener } from './opener-port.js';
import type { AttachmentOpener } from './opener.js';

/**
 * An AttachmentOpener on a worker thread of its own, for Node hosts (the client's `attachmentOpener`):
 * received files are decrypted there with libsodium while the thread that owns the links goes on
 * receiving. The worker keeps the process alive only while batches are pending.
 */
export function workerOpener(): AttachmentOpener {
  // Core runs in Node from its TypeScript sources (tsx, vitest); a compiled build runs the .js entry.
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSources ? './opener-worker.node.ts' : './opener-worker.node.js', import.meta.url);
  const worker = fromSources
    ? new Worker(new URL('./opener-worker.bootstrap.node.mjs', import.meta.url), {
        workerData: { entry: entry.href },
      })
    : new Worker(entry);
  return channelOpener(
    {
      postMessage: (message, transfer) => worker.postMessage(message, transfer),
      onMessage: (listener) => worker.on('message', listener),
      onError: (listener) => {
        worker.on('error', listener);
        worker.on('exit', (code) => listener(new Error(`the worker exited (code ${code})`)));
      },
      terminate: () => void worker.terminate(),
      ref: () => worker.ref(),
      unref: () => worker.unref(),
    },
    { sharedMemory: true },
  );
}
/** A worker thread shares the process's memory: the engine's default sink can be a SharedArrayBuffer. */
workerOpener.sharedMemory = true;
