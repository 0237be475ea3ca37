import { ParleyError } from '../../errors/index.js';
import type { AttachmentSealer } from './sealer.js';
import { leaseOf, type AttachmentChannel, type WorkerLease } from './worker-port.js';

/**
 * The engine's side of a sealer on another thread: each batch's buffer, holding plaintext, is transferred
 * there and comes back holding the boxes. `channel` is the thread's own, or `calls` it shares with an
 * opener (`release`d when the sealer closes).
 */
export function channelSealer(channel: AttachmentChannel | WorkerLease): AttachmentSealer {
  const { calls, release } = leaseOf(channel);
  let closed = false;
  return {
    seal(batch) {
      if (closed) return Promise.reject(new ParleyError('CLOSED', 'attachment sealer is closed'));
      return calls.call('seal', batch);
    },
    /** Batches already handed over are still sealed; then the other thread stops (once its opener did too). */
    close() {
      if (closed) return;
      closed = true;
      release();
    },
  };
}
