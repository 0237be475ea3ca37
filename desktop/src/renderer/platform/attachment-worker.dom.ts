import { serveOpener, tweetnaclBackend } from '@parley/core/crypto';

/*
 * The dedicated worker that opens received files' chunks (attachment-opener.dom.ts starts it), so
 * tweetnacl's decrypt (~0.1 GB/s, about 130 ms per 16 MiB) runs off the thread that draws the screen and
 * owns the direct links. It keeps no key: each batch brings its own.
 */

interface WorkerScope {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
  /** Batches opened so far: the browser scenarios read it to see a received file went through here. */
  openedBatches: number;
}

const scope = globalThis as unknown as WorkerScope;
scope.openedBatches = 0;
serveOpener(
  {
    postMessage: (message, transfer) => scope.postMessage(message, transfer),
    onMessage: (listener) => {
      scope.onmessage = ({ data }) => {
        scope.openedBatches += 1;
        listener(data);
      };
    },
  },
  tweetnaclBackend,
);
