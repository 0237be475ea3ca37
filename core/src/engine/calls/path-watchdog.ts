import type { CallTimers } from '../../calls/index.js';
import { inboundPackets, type StatsReports } from './peer-stats.js';

/** How often a connected pair's incoming media are counted. */
const CHECK_MS = 1_000;

export interface WatchedConnection {
  /** The connection was closed under its owner (CallPeer.closedUnderUs). */
  readonly closedUnderUs: boolean;
  stats(): Promise<StatsReports>;
}

export interface WatchdogHandlers {
  /** No RTP packet arrived for `quietAfterMs`: the path is down, whatever libwebrtc says yet. */
  quiet(): void;
  /** Packets arrive again after `quiet`. */
  flowing(): void;
  /** The connection is gone: only a new one helps. */
  closedUnderUs(): void;
}

/**
 * Notices a dead media path long before libwebrtc does. A pair's connection always carries media both ways
 * while it works (Opus sends through mute, a camera turned off sends black frames), so a count of received
 * RTP packets that stops growing for `quietAfterMs` means the path is down; libwebrtc takes some 15-20 s to
 * call a path whose far end went silent `disconnected`. Runs from the first `connected` until `stop`.
 */
export class PathWatchdog {
  readonly #intervalMs: number;
  #timer: unknown;
  #packets = -1;
  #quietForMs = 0;
  #quiet = false;
  #stopped = false;

  constructor(
    private readonly connection: WatchedConnection,
    private readonly timers: CallTimers,
    private readonly quietAfterMs: number,
    private readonly handlers: WatchdogHandlers,
  ) {
    this.#intervalMs = Math.max(1, Math.min(CHECK_MS, quietAfterMs));
  }

  /** What the connection itself reported: watching starts at its first `connected`. */
  path(path: 'connected' | 'disconnected' | 'unauthenticated'): void {
    if (path !== 'connected' || this.#stopped) return;
    this.#quiet = false;
    this.#quietForMs = 0;
    this.#timer ??= this.timers.setTimeout(() => void this.#check(), this.#intervalMs);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #check(): Promise<void> {
    if (this.#stopped) return;
    if (this.connection.closedUnderUs) return this.#closedUnderUs();
    let packets: number | undefined;
    try {
      packets = inboundPackets(await this.connection.stats());
    } catch {
      // A connection being replaced may refuse stats once: the next check reads the new one.
    }
    if (this.#stopped) return;
    if (this.connection.closedUnderUs) return this.#closedUnderUs();
    if (packets !== undefined && packets !== this.#packets) {
      // A new connection (a replacement) counts from zero: any change is media arriving.
      this.#packets = packets;
      this.#quietForMs = 0;
      if (this.#quiet) {
        this.#quiet = false;
        this.handlers.flowing();
      }
    } else {
      this.#quietForMs += this.#intervalMs;
      if (!this.#quiet && this.#quietForMs >= this.quietAfterMs) {
        this.#quiet = true;
        this.handlers.quiet();
      }
    }
    if (!this.#stopped) this.#timer = this.timers.setTimeout(() => void this.#check(), this.#intervalMs);
  }

  #closedUnderUs(): void {
    this.stop();
    this.handlers.closedUnderUs();
  }
}
