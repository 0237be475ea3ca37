import { MAX_CANDIDATES_PER_MESSAGE } from '../../calls/index.js';
import type { CallTimers } from '../../calls/index.js';
import type { RtcCandidate } from './rtc-types.js';

/**
 * A peer connection's local ICE candidates, sent in batches: those gathered in the same burst go as one
 * signal (every signal is sealed and relayed in turn, so one per candidate would hold the later ones back).
 */
export class CandidateBatch {
  #gathered: RtcCandidate[] = [];
  #timer: unknown;

  constructor(
    private readonly timers: CallTimers,
    private readonly send: (candidates: RtcCandidate[]) => void,
  ) {}

  /** A candidate gathered: it goes out with the others of its burst, on the next turn of the loop. */
  add(candidate: RtcCandidate): void {
    this.#gathered.push(candidate);
    this.#timer ??= this.timers.setTimeout(() => this.flush(), 0);
  }

  /** Sends what is gathered now (the end of gathering). */
  flush(): void {
    this.#cancel();
    while (this.#gathered.length > 0) this.send(this.#gathered.splice(0, MAX_CANDIDATES_PER_MESSAGE));
  }

  /** Drops what is gathered (the connection they belong to is gone). */
  clear(): void {
    this.#cancel();
    this.#gathered = [];
  }

  #cancel(): void {
    if (this.#timer !== undefined) this.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
