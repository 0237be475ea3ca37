import { addressKey, type ProtocolAddress } from '../../crypto/index.js';
import { isParleyError, type ErrorCode } from '../../errors/index.js';
import type { AttemptOutcome, ClientDatabase, OutboxEntry } from '../../storage/index.js';
import type { EngineTimers } from '../platform.js';

export interface RetryPolicy {
  /** First retry after this long; doubles per attempt up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** How often the pump looks for due entries when nothing kicks it. */
  readonly pollMs: number;
  /** After this many failed attempts the entry fails, with the last error as its reason. */
  readonly maxAttempts: number;
}

/** How many of one device's pending entries may travel together (in one envelope: one seal, one ack). */
export interface BatchPolicy {
  readonly maxEntries: number;
  /** Sum of the entries' payload bytes; an entry larger than this still goes, alone. */
  readonly maxBytes: number;
  /** Whether an entry may share a batch with others (one-to-one entries; a group message goes alone). */
  readonly batchable: (entry: OutboxEntry) => boolean;
}

/**
 * Sends one batch: entries to one recipient device, oldest first, contiguous in that device's write order.
 * Resolves once every entry of the batch was accepted, or throws and none was. May settle sibling entries
 * of other devices itself (group fan-out), but only those `mayGo` allows: the ones next in line for an idle
 * recipient (which `mayGo` then holds until this attempt ends).
 */
export type BatchAttempt = (
  batch: readonly OutboxEntry[],
  mayGo: (sibling: OutboxEntry) => boolean,
) => Promise<void>;

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

const SNAPSHOT_LIMIT = 10_000;

/**
 * Sends what the outbox holds, retrying failures with exponential backoff. Everything it knows is in the
 * database: after a restart it picks up where it stopped.
 *
 * Order: a recipient device's entries leave in the order they were written (entry ids sort that way), one
 * batch at a time per device. A batch is the device's oldest pending entry (its head) and the pending entries
 * right behind it, and it succeeds or fails as a whole (one envelope, one acknowledgement), so a later entry
 * can never be accepted while an earlier one waits for a retry: after a failure the whole batch waits, and so
 * does everything written after it. Entries written while a batch is in flight form the next batch, so the
 * pump sends as fast as batches are acknowledged without ever having two in flight to one device. Different
 * devices are independent and proceed in parallel.
 */
export class OutboxPump {
  #timer: unknown;
  /** Recipient devices with a batch in flight (or claimed by a group fan-out in flight). */
  readonly #busy = new Set<string>();
  readonly #lanes = new Set<Promise<void>>();
  /** Entries of a batch that failed for good: tried again one by one, so only the culprit fails. */
  readonly #solo = new Set<string>();
  #running: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #again = false;
  #closed = false;

  constructor(
    private readonly db: ClientDatabase,
    private readonly timers: EngineTimers,
    private readonly now: () => number,
    private readonly policy: RetryPolicy,
    private readonly attempt: BatchAttempt,
    private readonly settled: (entry: OutboxEntry) => Promise<void>,
    private readonly batching: BatchPolicy = { maxEntries: 1, maxBytes: 0, batchable: () => false },
  ) {}

  /**
   * Runs the pump now (again, if it is running). With `recipients`, the devices that something was just
   * queued for: if each has a batch in flight, nothing else changes now — the new entries go with the
   * device's next batch, when its lane ends and the pump looks again — so a burst of sends does not make
   * the pump re-read the outbox once per message.
   */
  kick(recipients?: readonly ProtocolAddress[]): void {
    if (this.#closed) return;
    if (this.#running !== undefined) {
      if (recipients !== undefined && recipients.every((to) => this.#busy.has(addressKey(to)))) return;
      this.#again = true;
      this.#wake?.();
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

  /**
   * Resolves once the pump has nothing in flight and nothing due now (entries waiting for a retry later do
   * not count): what a backup waits for, so no envelope leaves after its snapshot was taken.
   */
  async whenSettled(): Promise<void> {
    while (this.#running !== undefined) {
      await this.#running;
      await Promise.allSettled([...this.#lanes]);
    }
  }

  /** Stops scheduling and waits for the attempts in progress. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) this.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#wake?.();
    await this.#running;
    await Promise.allSettled([...this.#lanes]);
  }

  #schedule(): void {
    if (this.#closed) return;
    if (this.#timer !== undefined) this.timers.clearTimeout(this.#timer);
    this.#timer = this.timers.setTimeout(() => {
      this.#timer = undefined;
      this.kick();
    }, this.policy.pollMs);
  }

  /** Starts a batch for every idle device whose head is due, then waits for a lane to end or a kick. */
  async #drain(): Promise<void> {
    for (;;) {
      if (this.#closed || this.db.closed) return;
      this.#again = false;
      const woken = new Promise<void>((resolve) => (this.#wake = resolve));
      const now = this.now();
      const snapshot = await this.#snapshot(now);
      for (const [key, queue] of snapshot) {
        if (this.#busy.has(key)) continue;
        const batch = this.#batchOf(queue);
        if (batch.length === 0) continue;
        this.#busy.add(key);
        const lane = this.#send(key, batch, snapshot).finally(() => {
          this.#busy.delete(key);
          this.#lanes.delete(lane);
          this.#wake?.();
        });
        this.#lanes.add(lane);
      }
      if (this.#lanes.size === 0 && !this.#again) return;
      await woken;
    }
  }

  /**
   * Every pending entry id by recipient device, oldest first, and which are due. Only ids are read (the
   * recipient is the tail of an entry id, see outboxEntryId): the pump runs this after every batch, and
   * reading every pending entry each time made a long outbox quadratic.
   */
  async #snapshot(now: number): Promise<Snapshot> {
    const [pending, scheduled] = await Promise.all([
      this.db.outbox.pendingIds(Number.MAX_SAFE_INTEGER, SNAPSHOT_LIMIT),
      // Usually few: entries waiting for a retry.
      this.db.outbox.pendingIds(Number.MAX_SAFE_INTEGER, SNAPSHOT_LIMIT, now),
    ]);
    const later = new Set(scheduled);
    const byDevice: Snapshot = new Map();
    for (const id of pending.sort()) {
      const key = deviceOfId(id) ?? (await this.#deviceOfStored(id));
      if (key === undefined) continue;
      const queue = byDevice.get(key);
      const item = { id, due: !later.has(id) };
      if (queue === undefined) byDevice.set(key, [item]);
      else queue.push(item);
    }
    return byDevice;
  }

  async #deviceOfStored(id: string): Promise<string | undefined> {
    const entry = await this.db.outbox.get(id);
    return entry === undefined ? undefined : recipientKey(entry);
  }

  /**
   * The head, if due, and the due entries right behind it, up to the batch size; an entry behind the head
   * whose own retry is scheduled later ends the batch (nothing may skip it). Size and kind are checked once
   * the entries are read (#send).
   */
  #batchOf(queue: readonly SnapshotItem[]): string[] {
    const [head] = queue;
    if (head === undefined || !head.due) return [];
    const batch = [head.id];
    if (this.#solo.has(head.id)) return batch;
    for (const item of queue.slice(1, this.batching.maxEntries)) {
      if (!item.due || this.#solo.has(item.id)) break;
      batch.push(item.id);
    }
    return batch;
  }

  async #send(key: string, ids: readonly string[], snapshot: Snapshot): Promise<void> {
    // Read now: a group fan-out of another lane may have settled some since the snapshot. Only a prefix
    // may go: dropping an entry from the middle would let the ones behind it overtake it.
    const batch: OutboxEntry[] = [];
    let bytes = 0;
    for (const id of ids) {
      const current = await this.db.outbox.get(id);
      if (current === undefined || current.state !== 'pending' || recipientKey(current) !== key) {
        if (batch.length === 0) continue;
        break;
      }
      const [first] = batch;
      if (first !== undefined) {
        bytes += current.payload.byteLength;
        const fits = bytes <= this.batching.maxBytes;
        if (!fits || !this.batching.batchable(first) || !this.batching.batchable(current)) break;
      } else bytes = current.payload.byteLength;
      batch.push(current);
    }
    if (batch.length === 0 || this.#closed || this.db.closed) return;
    const claimed: string[] = [];
    const mayGo = (sibling: OutboxEntry): boolean => {
      const key = recipientKey(sibling);
      if (this.#busy.has(key) || snapshot.get(key)?.[0]?.id !== sibling.id) return false;
      this.#busy.add(key);
      claimed.push(key);
      return true;
    };
    let failure: { error: unknown } | undefined;
    try {
      await this.attempt(batch, mayGo);
    } catch (error) {
      failure = { error };
    } finally {
      for (const key of claimed) this.#busy.delete(key);
    }
    if (this.#closed || this.db.closed) return;
    if (failure !== undefined && batch.length > 1 && this.#isPermanent(failure.error)) {
      // Nothing of the batch was accepted; find the entry that cannot go by sending them one at a time.
      for (const entry of batch) this.#solo.add(entry.id);
      return;
    }
    for (const entry of batch) this.#solo.delete(entry.id);
    const outcomes = batch.map((entry) => ({ entry, outcome: this.#outcome(entry, failure) }));
    const updated = await this.db.outbox.markAttempts(
      outcomes.map(({ entry, outcome }) => ({ id: entry.id, outcome })),
    );
    for (const entry of updated) if (entry.state !== 'pending') await this.settled(entry);
  }

  #outcome(entry: OutboxEntry, failure: { error: unknown } | undefined): AttemptOutcome {
    if (failure === undefined) return { result: 'sent' };
    const { error } = failure;
    const reason =
      error instanceof Error
        ? `${isParleyError(error) ? error.code + ': ' : ''}${error.message}`
        : String(error);
    if (this.#isPermanent(error)) return { result: 'failed', error: reason };
    if (entry.attempts + 1 >= this.policy.maxAttempts) {
      return { result: 'failed', error: `gave up after ${entry.attempts + 1} attempts: ${reason}` };
    }
    const delay = Math.min(this.policy.baseDelayMs * 2 ** entry.attempts, this.policy.maxDelayMs);
    return { result: 'retry', nextAttemptAt: this.now() + delay, error: reason };
  }

  #isPermanent(error: unknown): boolean {
    return isParleyError(error) && PERMANENT.includes(error.code);
  }
}

type SnapshotItem = { readonly id: string; readonly due: boolean };
type Snapshot = Map<string, SnapshotItem[]>;

/**
 * `time.counter.messageId.account.device` (outboxEntryId; accounts and message ids have no dots): the
 * recipient device is the last two parts. Undefined for any other shape, whose entry is read instead.
 */
function deviceOfId(id: string): string | undefined {
  const parts = id.split('.');
  return parts.length === 5 ? `${parts[3]}.${parts[4]}` : undefined;
}

export function recipientKey(entry: OutboxEntry): string {
  return addressKey(entry.recipient);
}
