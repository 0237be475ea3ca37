import type { IncomingBlob } from '@parley/core';
import type { RelayContext } from '../context.js';

/**
 * Emits blobs to one socket only after the store recorded them as pushed, so a recall never claims "never
 * received" for a copy that went out. Blobs that arrive while a record is being written wait and are recorded
 * together (a backlog page costs one write, not one per blob); order is kept. If recording fails the batch is
 * not sent: it stays pending in the store and arrives on the next connect.
 */
export class PushRecorder {
  #queue: IncomingBlob[] = [];
  #running = false;

  constructor(
    private readonly ctx: RelayContext,
    private readonly identity: () => string | undefined,
    private readonly emit: (blob: IncomingBlob) => void,
  ) {}

  push(blob: IncomingBlob): void {
    this.#queue.push(blob);
    if (!this.#running) void this.#run();
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0);
        const identity = this.identity();
        if (identity === undefined) return;
        try {
          await this.ctx.store.blobs.markPushed(
            identity,
            batch.map((blob) => blob.id),
          );
        } catch (error) {
          this.ctx.log.error({ err: error }, 'recording a push failed; the blobs wait for the next connect');
          continue;
        }
        for (const blob of batch) this.emit(blob);
      }
    } finally {
      this.#running = false;
    }
  }
}
