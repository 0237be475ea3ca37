/**
 * Which counters of one (key, stream) were already accepted: the highest, and the ones seen within WINDOW
 * below it. A counter seen before, or too far behind to tell, is a replay. Simulcast layers share a sender's
 * counter, so a receiver sees gaps; frames may also be a little out of order.
 */
export const REPLAY_WINDOW = 256;

export class ReplayWindow {
  #highest = -1;
  readonly #seen = new Set<number>();

  /** Whether `counter` would be fresh (nothing is recorded). */
  fresh(counter: number): boolean {
    if (counter > this.#highest) return true;
    if (counter <= this.#highest - REPLAY_WINDOW) return false;
    return !this.#seen.has(counter);
  }

  /** Records an accepted counter (call only after the frame authenticated). */
  accept(counter: number): void {
    this.#seen.add(counter);
    if (counter <= this.#highest) return;
    this.#highest = counter;
    const floor = counter - REPLAY_WINDOW;
    if (this.#seen.size > 2 * REPLAY_WINDOW)
      for (const seen of this.#seen) if (seen <= floor) this.#seen.delete(seen);
  }
}
