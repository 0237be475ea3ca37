import { batchChunks, serveAttachmentWorker, tweetnaclBackend, type SealBatch } from '@parley/core/crypto';

/*
 * The dedicated worker that opens received files' chunks and seals sent ones (attachment-opener.dom.ts
 * starts it), so tweetnacl (~0.1 GB/s, about 130 ms per 16 MiB each way) runs off the thread that draws the
 * screen and owns the direct links. It keeps no key: each batch brings its own.
 */

interface WorkerScope {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
  /** Batches opened and sealed so far: the browser scenarios read them to see a file went through here. */
  openedBatches: number;
  sealedBatches: number;
  sealedChunks: number;
}

const scope = globalThis as unknown as WorkerScope;
scope.openedBatches = 0;
scope.sealedBatches = 0;
scope.sealedChunks = 0;
serveAttachmentWorker(
  {
    postMessage: (message, transfer) => scope.postMessage(message, transfer),
    onMessage: (listener) => {
      scope.onmessage = ({ data }) => {
        const request = data as { kind?: unknown; batch?: SealBatch };
        if (request.kind === 'seal' && request.batch !== undefined) {
          scope.sealedBatches += 1;
          const { length, chunkSize, final } = request.batch;
          scope.sealedChunks += batchChunks(length, chunkSize, final);
        } else scope.openedBatches += 1;
        listener(data);
      };
    },
  },
  tweetnaclBackend,
);
