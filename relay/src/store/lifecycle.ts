import { ParleyError } from '@parley/core';

/**
 * The open/closed state one store shares with its sub-stores, so `close()` on the parent makes every
 * method of every child fail the same way instead of hitting a closed database handle.
 */
export class StoreLifecycle {
  #closed = false;

  constructor(private readonly what: string) {}

  get closed(): boolean {
    return this.#closed;
  }

  /** Throws CLOSED once the store has closed; every public method calls it first. */
  check(): void {
    if (this.#closed) throw new ParleyError('CLOSED', `the ${this.what} store is closed`);
  }

  /** Marks the store closed; returns false when it already was, so close() stays idempotent. */
  markClosed(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    return true;
  }
}

/** Drops duplicates while keeping first-seen order: a recipient listed twice must get one copy, not two. */
export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
