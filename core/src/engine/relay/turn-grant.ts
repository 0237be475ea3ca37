import type { IceServer, TurnGrant } from '../../protocol/auth.js';
import type { EngineTimers } from '../platform.js';

/**
 * The TURN/STUN servers of the home relay's latest grant (never simple-peer's defaults). `iceServers` is
 * updated in place, since the link manager reads it for every link it creates, and refreshed shortly before
 * the grant expires.
 */
export class TurnGrants {
  readonly iceServers: IceServer[] = [];
  #timer: unknown;
  #closed = false;

  constructor(
    private readonly timers: EngineTimers,
    private readonly now: () => number,
    private readonly refresh: () => Promise<TurnGrant>,
    private readonly report: (error: unknown) => void,
  ) {}

  use(turn: TurnGrant): void {
    this.iceServers.splice(0, this.iceServers.length, ...turn.iceServers);
    if (this.#timer !== undefined) this.timers.clearTimeout(this.#timer);
    const lifetime = turn.expiresAt - this.now();
    if (this.#closed || turn.iceServers.length === 0 || lifetime <= 0) return;
    this.#timer = this.timers.setTimeout(
      () => {
        this.#timer = undefined;
        if (this.#closed) return;
        this.refresh().then(
          (fresh) => this.use(fresh),
          (error: unknown) => this.report(error),
        );
      },
      Math.max(1_000, lifetime * 0.9),
    );
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) this.timers.clearTimeout(this.#timer);
  }
}
