/**
 * What a receiver hands its sink, written strictly in order by one drain loop. The loop runs synchronously for
 * as long as each write finishes at once (most transfer chunks only fill the decryptor's batch), so an entry
 * costs no promise of its own; the first write that returns one hands the rest of the queue to the moment it
 * settles.
 */
export class SinkQueue<T> {
  readonly #entries: T[] = [];
  #head = 0;
  #draining = false;

  /**
   * `write` returns a promise only if the entry is not done yet; the next entry waits for it. It handles its
   * own failures: a promise that rejects, or a throw, is a bug, reported as the runtime reports any.
   */
  constructor(private readonly write: (entry: T) => Promise<unknown> | undefined) {}

  push(entry: T): void {
    this.#entries.push(entry);
    if (!this.#draining) this.#drain();
  }

  #drain(): void {
    this.#draining = true;
    try {
      while (this.#head < this.#entries.length) {
        const entry = this.#entries[this.#head] as T;
        this.#head += 1;
        if (this.#head === this.#entries.length) {
          this.#entries.length = 0;
          this.#head = 0;
        }
        const pending = this.write(entry);
        if (pending !== undefined) {
          void this.#drainAfter(pending);
          return;
        }
      }
      this.#draining = false;
    } catch (error) {
      this.#draining = false;
      void Promise.reject(error); // a bug, reported as the runtime reports any; the rest waits for the next push
    }
  }

  async #drainAfter(pending: Promise<unknown>): Promise<void> {
    try {
      await pending;
    } finally {
      this.#drain();
    }
  }
}
