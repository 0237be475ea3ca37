import { ParleyError } from '../../errors/index.js';
import { inTransaction, type StorageContext } from '../context.js';
import type { ContentCipher } from '../content-cipher.js';
import type { ParleyTransaction } from '../idb-environment.js';
import type { OutboxRow, SealedOutboxRow } from '../schema.js';
import type { InsertResult, OutboxEntry, OutboxState } from '../types.js';

export interface NewOutboxEntry {
  readonly id: string;
  readonly messageId: string;
  readonly conversationId: string;
  readonly recipient: OutboxEntry['recipient'];
  readonly payload: Uint8Array;
  /** First attempt not before this time; defaults to now. */
  readonly notBefore?: number;
}

/** What happened to one send attempt. */
export type AttemptOutcome =
  | { readonly result: 'sent' }
  | { readonly result: 'retry'; readonly nextAttemptAt: number; readonly error: string }
  | { readonly result: 'failed'; readonly error: string };

/** Adds an entry as pending (a no-op reporting 'duplicate' if the id is queued already), inside the caller's tx. */
export async function enqueueInTx(
  tx: ParleyTransaction<'readwrite'>,
  cipher: ContentCipher,
  entry: NewOutboxEntry,
  now: number,
): Promise<InsertResult> {
  const store = tx.objectStore('outbox');
  if ((await store.getKey(entry.id)) !== undefined) return 'duplicate';
  const { notBefore, ...rest } = entry;
  await store.add(
    sealOutboxEntry(cipher, {
      ...rest,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: notBefore ?? now,
      createdAt: now,
    }),
  );
  return 'inserted';
}

/** The row written for an entry: its payload (the message's whole content) sealed. */
export function sealOutboxEntry(cipher: ContentCipher, entry: OutboxEntry): SealedOutboxRow {
  const { payload, ...rest } = entry;
  return { ...rest, sealedPayload: cipher.seal(payload) };
}

/** The entry a row holds; a row from before migration 005's data step still has its payload in clear. */
export function openOutboxEntry(cipher: ContentCipher, row: OutboxRow): OutboxEntry {
  if (!('sealedPayload' in row)) return row;
  const { sealedPayload, ...rest } = row;
  return { ...rest, payload: cipher.open(sealedPayload) };
}

/** Entries without nextAttemptAt drop out of the due index. */
function withoutSchedule(entry: OutboxEntry): OutboxEntry {
  const { nextAttemptAt: _nextAttemptAt, ...rest } = entry;
  return rest;
}

function attemptedEntry(entry: OutboxEntry, outcome: AttemptOutcome, at: number): OutboxEntry {
  const attempted = { ...entry, attempts: entry.attempts + 1, lastAttemptAt: at };
  switch (outcome.result) {
    case 'sent':
      return { ...withoutSchedule(attempted), state: 'sent' };
    case 'retry':
      return {
        ...attempted,
        state: 'pending',
        nextAttemptAt: outcome.nextAttemptAt,
        lastError: outcome.error,
      };
    case 'failed':
      return { ...withoutSchedule(attempted), state: 'failed', lastError: outcome.error };
  }
}

/**
 * Messages waiting to be sent, one entry per recipient device. Entries are written before the first attempt
 * (with the message, see ClientDatabase.commitOutgoing), so a restart loses none: `due(now)` finds them again.
 */
export class OutboxRepository {
  constructor(private readonly context: StorageContext) {}

  async enqueue(entry: NewOutboxEntry): Promise<InsertResult> {
    const now = this.context.now();
    return inTransaction(this.context.write(['outbox']), (tx) =>
      enqueueInTx(tx, this.context.content, entry, now),
    );
  }

  async get(id: string): Promise<OutboxEntry | undefined> {
    const row = await this.context.db.get('outbox', id);
    return row === undefined ? undefined : openOutboxEntry(this.context.content, row);
  }

  async forMessage(messageId: string): Promise<OutboxEntry[]> {
    const rows = await this.context.db.getAllFromIndex('outbox', 'byMessage', messageId);
    return rows.map((row) => openOutboxEntry(this.context.content, row));
  }

  /** Pending entries whose next attempt is due, earliest first, read from the sparse nextAttemptAt index. */
  async due(now: number, limit = 100): Promise<OutboxEntry[]> {
    const range = this.context.keyRange.bound(-Infinity, now);
    const rows = await this.context.db.getAllFromIndex('outbox', 'byNextAttemptAt', range as never, limit);
    return rows.map((row) => openOutboxEntry(this.context.content, row));
  }

  /**
   * Ids of pending entries whose next attempt is due by `until` (and after `after`, if given), from the
   * sparse nextAttemptAt index, without reading the entries (cheap enough to call after every send).
   */
  async pendingIds(until: number, limit = 10_000, after = -Infinity): Promise<string[]> {
    const range = this.context.keyRange.bound(after, until, after !== -Infinity);
    return this.context.db.getAllKeysFromIndex('outbox', 'byNextAttemptAt', range as never, limit);
  }

  /** Records one attempt: counts it, and either retires the entry from the schedule or re-schedules it. */
  async markAttempt(id: string, outcome: AttemptOutcome): Promise<OutboxEntry> {
    const at = this.context.now();
    return this.update(id, (entry) => attemptedEntry(entry, outcome, at));
  }

  /**
   * Records one attempt of several entries (a batch sent together) in one transaction; entries no longer
   * pending (a receipt overtook the acknowledgement) are left alone. Resolves the entries it changed.
   */
  async markAttempts(
    attempts: readonly { readonly id: string; readonly outcome: AttemptOutcome }[],
  ): Promise<OutboxEntry[]> {
    const at = this.context.now();
    return inTransaction(this.context.write(['outbox']), async (tx) => {
      const store = tx.objectStore('outbox');
      const changed: OutboxEntry[] = [];
      for (const { id, outcome } of attempts) {
        const row = await store.get(id);
        if (row === undefined || row.state !== 'pending') continue;
        const next = attemptedEntry(openOutboxEntry(this.context.content, row), outcome, at);
        await store.put(sealOutboxEntry(this.context.content, next));
        changed.push(next);
      }
      return changed;
    });
  }

  /** Receipts move an entry on to delivered or read; 'pending' re-queues a failed one now (a manual retry). */
  async setState(id: string, state: OutboxState): Promise<OutboxEntry> {
    const now = this.context.now();
    return this.update(id, (entry) =>
      state === 'pending' ? { ...entry, state, nextAttemptAt: now } : { ...withoutSchedule(entry), state },
    );
  }

  async remove(id: string): Promise<void> {
    await inTransaction(this.context.write(['outbox']), async (tx) => {
      await tx.objectStore('outbox').delete(id);
    });
  }

  private async update(id: string, change: (entry: OutboxEntry) => OutboxEntry): Promise<OutboxEntry> {
    return inTransaction(this.context.write(['outbox']), async (tx) => {
      const store = tx.objectStore('outbox');
      const row = await store.get(id);
      if (row === undefined) throw new ParleyError('NOT_FOUND', `no outbox entry ${id}`);
      const next = change(openOutboxEntry(this.context.content, row));
      await store.put(sealOutboxEntry(this.context.content, next));
      return next;
    });
  }
}
