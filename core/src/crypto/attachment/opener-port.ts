import { ParleyError } from '../../errors/index.js';
import type { AttachmentOpener } from './opener.js';
import { leaseOf, type AttachmentChannel, type WorkerLease } from './worker-port.js';

/**
 * The engine's side of an opener on another thread: each batch's buffer is transferred there and comes
 * back holding the plaintext (or, for a batch opened `into` shared memory, only to be filled again).
 * `channel` is the thread's own, or `calls` it shares with a sealer (`release`d when the opener closes).
 * `sharedMemory`: the other thread shares this one's memory (worker_threads; a browser's worker only when
 * cross-origin isolated).
 */
export function channelOpener(
  channel: AttachmentChannel | WorkerLease,
  options: { readonly sharedMemory?: boolean } = {},
): AttachmentOpener {
  const { calls, release } = leaseOf(channel);
  let closed = false;
  return {
    sharedMemory: options.sharedMemory === true,
    open(batch) {
      if (closed) return Promise.reject(new ParleyError('CLOSED', 'attachment opener is closed'));
      return calls.call('open', batch);
    },
    /**
     * Batches already handed over are still opened (a file's plaintext in flight reaches its sink, and its
     * checkpoint with it, as when the engine decrypts on its own thread); then the other thread stops
     * (once its sealer, if it has one, closed too).
     */
    close() {
      if (closed) return;
      closed = true;
      release();
    },
  };
}
