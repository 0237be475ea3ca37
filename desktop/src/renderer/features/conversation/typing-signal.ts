/** After this long without a keystroke, "stopped typing" is sent. */
export const TYPING_IDLE_MS = 4_000;
/** While typing goes on, "typing" is repeated this often so the peer's indicator does not time out. */
export const TYPING_REFRESH_MS = 5_000;

interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Turns keystrokes into few typing events: one "typing" at the first keystroke (repeated every
 * TYPING_REFRESH_MS while it continues), one "stopped" after TYPING_IDLE_MS of quiet or on send.
 */
export class TypingSignal {
  #typing = false;
  #lastSent = 0;
  #idle: unknown;

  constructor(
    private readonly send: (typing: boolean) => void,
    private readonly timers: Timers = systemTimers,
  ) {}

  typed(): void {
    const now = this.timers.now();
    if (!this.#typing || now - this.#lastSent >= TYPING_REFRESH_MS) {
      this.#typing = true;
      this.#lastSent = now;
      this.send(true);
    }
    if (this.#idle !== undefined) this.timers.clearTimeout(this.#idle);
    this.#idle = this.timers.setTimeout(() => this.stop(), TYPING_IDLE_MS);
  }

  stop(): void {
    if (this.#idle !== undefined) this.timers.clearTimeout(this.#idle);
    this.#idle = undefined;
    if (!this.#typing) return;
    this.#typing = false;
    this.send(false);
  }
}
