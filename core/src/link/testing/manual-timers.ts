import type { LinkTimers } from '../options.js';

/** Timers that fire only when the test says so: timeouts are tested without waiting. */
export class ManualTimers implements LinkTimers {
  readonly #pending = new Map<number, { callback: () => void; ms: number }>();
  #nextId = 1;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#pending.set(id, { callback, ms });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** Fires every timer scheduled so far (not the ones their callbacks schedule). */
  fireAll(): void {
    for (const [id, { callback }] of [...this.#pending]) {
      if (this.#pending.delete(id)) callback();
    }
  }
}
