import type { IncomingBlob } from '@parley/core';
import type { StoredBlob } from '../store/types.js';

const PAGE_SIZE = 100;

/**
 * The blobs one socket receives, in deposit order. While the backlog is read page by page from the store,
 * blobs deposited meanwhile are held back and sent after it (minus those the backlog already carried), so a
 * new message never overtakes an older pending one.
 */
export class BlobFeed {
  #draining = false;
  #held: StoredBlob[] = [];
  #sentDuringDrain = new Set<string>();

  constructor(
    private readonly emit: (blob: IncomingBlob) => void,
    private readonly now: () => number,
  ) {}

  /** A blob deposited for this socket's identity just now (on this or another relay process). */
  push(blob: StoredBlob): void {
    if (this.#draining) this.#held.push(blob);
    else this.#send(blob);
  }

  /** Sends everything pending in the store, then whatever arrived meanwhile. `isOpen` stops early on disconnect. */
  async drain(
    load: (limit: number, afterId?: string) => Promise<StoredBlob[]>,
    isOpen: () => boolean,
  ): Promise<void> {
    this.#draining = true;
    try {
      let afterId: string | undefined;
      for (;;) {
        const page = await load(PAGE_SIZE, afterId);
        if (!isOpen()) return;
        for (const blob of page) {
          if (this.#sentDuringDrain.has(blob.id)) continue;
          this.#sentDuringDrain.add(blob.id);
          this.#send(blob);
        }
        const last = page.at(-1);
        if (page.length < PAGE_SIZE || !last) break;
        afterId = last.id;
      }
      // Synchronous from here to the end: nothing can be pushed between flushing and clearing the flag.
      for (const blob of this.#held) if (!this.#sentDuringDrain.has(blob.id)) this.#send(blob);
    } finally {
      this.#held = [];
      this.#sentDuringDrain.clear();
      this.#draining = false;
    }
  }

  #send(blob: StoredBlob): void {
    // The store keeps expired rows until housekeeping runs; the relay's clock decides what is still deliverable.
    if (blob.expiresAt <= this.now()) return;
    this.emit({
      id: blob.id,
      payload: blob.payload,
      depositedAt: blob.depositedAt,
      expiresAt: blob.expiresAt,
    });
  }
}
