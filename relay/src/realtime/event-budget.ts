/**
 * Fixed-window event budgets, checked synchronously. The socket event path is the relay's hottest: the
 * signalling bench showed rate-limiter-flexible's promise-based `consume` (two per event) costing about 4% of
 * the relay's CPU, more than the forwarding itself. The HTTP API, which is not hot, keeps that library.
 */
export class EventBudget {
  private readonly windows = new Map<string, { start: number; used: number }>();
  private lastSweep = 0;

  constructor(
    private readonly points: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Spends one event of `key`'s budget. Returns 0 when allowed, else the milliseconds until it refills. */
  take(key: string): number {
    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined) {
      this.sweep(now);
      window = { start: now, used: 0 };
      this.windows.set(key, window);
    } else if (now - window.start >= this.windowMs) {
      window.start = now;
      window.used = 0;
    }
    if (window.used >= this.points) return Math.max(1, this.windowMs - (now - window.start));
    window.used += 1;
    return 0;
  }

  /** Like `take` but spends nothing: the milliseconds until `key` may spend again, 0 when it may now. */
  peek(key: string): number {
    const now = this.now();
    const window = this.windows.get(key);
    if (window === undefined || now - window.start >= this.windowMs || window.used < this.points) return 0;
    return Math.max(1, this.windowMs - (now - window.start));
  }

  /** Drops windows that have run out, at most once a window, so idle keys do not accumulate. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) {
      if (now - window.start >= this.windowMs) this.windows.delete(key);
    }
  }
}
