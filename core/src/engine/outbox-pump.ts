import { isParleyError, type ErrorCode } from '../errors/index.js';
import type { AttemptOutcome, ClientDatabase, OutboxEntry } from '../storage/index.js';
import type { EngineTimers } from './platform.js';

export interface RetryPolicy {
  /** First retry after this long; doubles per attempt up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** How often the pump looks for due entries when nothing kicks it. */
  readonly pollMs: number;
  /** After this many failed attempts the entry fails, with the last error as its reason. */
  readonly maxAttempts: number;
}

/** Errors that no retry can fix: the entry fails with the error as its reason. */
const PERMANENT: readonly ErrorCode[] = [
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'UNTRUSTED_IDENTITY',
  'INVALID_SIGNATURE',
  'BAD_BUNDLE',
  'INVALID_KEY',
  'ACCESS_DENIED',
];

/**
 * Sends what the outbox holds, oldest first and one entry at a time (so a peer receives one sender's
 * messages in the order they were written), retrying failures with exponential backoff. Everything it
 * knows is in the database: after a restart it picks up where it stopped.
 */
export class OutboxPump {
  #timer: unknown;
  /** The oldest pending entry per recipient device, as of the last refresh. */
  readonly #heads = new Map<string, OutboxEntry>();
  /** Recipients whose entry failed in this pass: nothing newer goes to them until it is retried. */
  readonly #blocked = new Set<string>();
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(
    private readonly db: ClientDatabase,
    private readonly timers: EngineTimers,
    private readonly now: () => number,
    private readonly policy: RetryPolicy,
    /**
     * Sends one entry, or throws. May settle sibling entries itself (group fan-out), but only those
     * `mayGo` allows: the ones next in line for their recipient.
     */
    private readonly attempt: (entry: OutboxEntry, mayGo: (sibling: OutboxEntry) => boolean) => Promise<void>,
    private readonly settled: (entry: OutboxEntry) => Promise<void>,
  ) {}

  /** Runs the pump now (again, if it is running). */
  kick(): void {
    if (this.#closed) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.kick();
      } else this.#schedule();
    });
  }

  /** Stops scheduling and waits for the attempt in progress. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) this.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #schedule(): void {
    if (this.#closed) return;
    if (this.#timer !== undefined) this.timers.clearTimeout(this.#timer);
    this.#timer = this.timers.setTimeout(() => {
      this.#timer = undefined;
      this.kick();
    }, this.policy.pollMs);
  }

  async #drain(): Promise<void> {
    await this.#refreshHeads();
    for (;;) {
      if (this.#closed || this.db.closed) return;
      const now = this.now();
      const due = (await this.db.outbox.due(now, 200))
        .filter((entry) => this.#isHead(entry, now))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      if (due.length === 0) return;
      for (const stale of due) {
        if (this.#closed || this.db.closed) return;
        const entry = await this.db.outbox.get(stale.id);
        if (entry === undefined || entry.state !== 'pending') continue;
        // An older entry to this device failed earlier in this pass: this one waits behind it.
        if (this.#blocked.has(recipientKey(entry))) continue;
        if (!(await this.#try(entry))) this.#blocked.add(recipientKey(entry));
      }
      await this.#refreshHeads();
    }
  }

  /**
   * One recipient device's messages leave in the order they were written (entry ids sort that way): an
   * entry waits while an older one to the same device is pending, even if a retry rescheduled the older
   * one later. A group's sender key therefore always precedes the group messages that need it.
   */
  #isHead(entry: OutboxEntry, now: number): boolean {
    const key = recipientKey(entry);
    if (this.#blocked.has(key)) return false;
    const head = this.#heads.get(key);
    return head === undefined || head.id >= entry.id || (head.nextAttemptAt ?? Infinity) <= now;
  }

  async #refreshHeads(): Promise<void> {
    this.#blocked.clear();
    this.#heads.clear();
    for (const entry of await this.db.outbox.due(Number.MAX_SAFE_INTEGER, 10_000)) {
      const key = recipientKey(entry);
      const head = this.#heads.get(key);
      if (head === undefined || entry.id < head.id) this.#heads.set(key, entry);
    }
  }

  /** Resolves false when the entry stays pending (to be retried). */
  async #try(entry: OutboxEntry): Promise<boolean> {
    let outcome: AttemptOutcome;
    try {
      await this.attempt(entry, (sibling) => this.#isHead(sibling, this.now()));
      outcome = { result: 'sent' };
    } catch (error) {
      if (this.#closed || this.db.closed) return false;
      const reason =
        error instanceof Error
          ? `${isParleyError(error) ? error.code + ': ' : ''}${error.message}`
          : String(error);
      if (isParleyError(error) && PERMANENT.includes(error.code)) {
        outcome = { result: 'failed', error: reason };
      } else if (entry.attempts + 1 >= this.policy.maxAttempts) {
        outcome = { result: 'failed', error: `gave up after ${entry.attempts + 1} attempts: ${reason}` };
      } else {
        const delay = Math.min(this.policy.baseDelayMs * 2 ** entry.attempts, this.policy.maxDelayMs);
        outcome = { result: 'retry', nextAttemptAt: this.now() + delay, error: reason };
      }
    }
    if (this.db.closed) return false;
    const current = await this.db.outbox.get(entry.id);
    if (current === undefined || current.state !== 'pending') return true;
    const updated = await this.db.outbox.markAttempt(entry.id, outcome);
    if (outcome.result !== 'retry') await this.settled(updated);
    return outcome.result !== 'retry';
  }
}

function recipientKey(entry: OutboxEntry): string {
  return `${entry.recipient.name}.${entry.recipient.deviceId}`;
}
