import { afterEach, describe, expect, it } from 'vitest';
import type { ProtocolAddress } from '../../crypto/index.js';
import { ParleyError } from '../../errors/index.js';
import { ManualTimers } from '../../link/testing/manual-timers.js';
import type { ClientDatabase, OutboxEntry } from '../../storage/index.js';
import { ALICE, BOB, openTestDatabase } from '../../storage/testing/fixtures.js';
import { encodeContent, type Content } from './content.js';
import { OutboxPump, type BatchPolicy } from './outbox-pump.js';
import { outboxEntryId } from './outgoing.js';

const clock = { now: 1_700_000_000_000 };
let db: ClientDatabase | undefined;
let pump: OutboxPump | undefined;

afterEach(async () => {
  await pump?.close();
  db?.close();
});

async function queue(
  database: ClientDatabase,
  id: string,
  counter: number,
  recipient: ProtocolAddress = BOB,
): Promise<void> {
  const content: Content = { v: 1, id, sentAt: clock.now, counter, body: { type: 'text', text: id } };
  await database.commitOutgoing({
    message: {
      id,
      conversationId: 'direct:bob',
      sender: ALICE,
      sentAt: clock.now,
      senderCounter: counter,
      receivedAt: clock.now,
      direction: 'outgoing',
      state: 'pending',
      text: id,
    },
    outbox: [
      {
        id: outboxEntryId(content, recipient),
        messageId: id,
        conversationId: 'direct:bob',
        recipient,
        payload: encodeContent(content),
      },
    ],
  });
}

/** Moves the clock past every backoff and fires the pump's timers until `done` holds. */
async function settle(timers: ManualTimers, done: () => boolean): Promise<void> {
  for (let round = 0; round < 1_000 && !done(); round++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    clock.now += 1_000;
    timers.fireAll();
  }
}

const BATCHES: BatchPolicy = { maxEntries: 4, maxBytes: 64 * 1024, batchable: () => true };
const RETRY = { baseDelayMs: 100, maxDelayMs: 400, pollMs: 50, maxAttempts: 100 };
const CAROL = { name: 'carol-identity', deviceId: 1 } as const;

function ids(batch: readonly OutboxEntry[]): string[] {
  return batch.map((entry) => entry.messageId);
}

describe('OutboxPump', () => {
  it('never lets a newer message overtake an older one that is being retried', async () => {
    db = await openTestDatabase(undefined, 'pump-order', () => clock.now);
    const timers = new ManualTimers();
    const sent: string[] = [];
    let failuresLeft = 2;
    pump = new OutboxPump(
      db,
      timers,
      () => clock.now,
      { baseDelayMs: 100, maxDelayMs: 400, pollMs: 50, maxAttempts: 100 },
      async (batch) => {
        if (batch.some((entry) => entry.messageId === 'first') && failuresLeft-- > 0)
          throw new ParleyError('UNAVAILABLE', 'relay down');
        sent.push(...batch.map((entry) => entry.messageId));
      },
      async () => undefined,
    );
    await queue(db, 'first', 0);
    pump.kick();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // 'first' failed once and waits for its retry; 'second' is written meanwhile and due at once.
    await queue(db, 'second', 1);
    pump.kick();
    await settle(timers, () => sent.length === 2);
    expect(sent).toEqual(['first', 'second']);
  });

  it('fails an entry with its last error once attempts run out', async () => {
    db = await openTestDatabase(undefined, 'pump-fail', () => clock.now);
    const timers = new ManualTimers();
    const settled: OutboxEntry[] = [];
    pump = new OutboxPump(
      db,
      timers,
      () => clock.now,
      { baseDelayMs: 100, maxDelayMs: 400, pollMs: 50, maxAttempts: 3 },
      async () => {
        throw new ParleyError('NOT_FOUND', 'no prekeys');
      },
      async (entry) => {
        settled.push(entry);
      },
    );
    await queue(db, 'doomed', 0);
    pump.kick();
    await settle(timers, () => settled.length === 1);
    expect(settled).toHaveLength(1);
    expect(settled[0]).toMatchObject({ state: 'failed', attempts: 3 });
    expect(settled[0]?.lastError).toBe('gave up after 3 attempts: NOT_FOUND: no prekeys');
  });

  it('sends a burst to one device in batches, in write order, one batch in flight at a time', async () => {
    db = await openTestDatabase(undefined, 'pump-batches', () => clock.now);
    const timers = new ManualTimers();
    const batches: string[][] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    pump = new OutboxPump(
      db,
      timers,
      () => clock.now,
      RETRY,
      async (batch) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        batches.push(ids(batch));
        inFlight -= 1;
      },
      async () => undefined,
      BATCHES,
    );
    const written = Array.from({ length: 10 }, (_, i) => `m${i}`);
    for (const [i, id] of written.entries()) {
      await queue(db, id, i);
      pump.kick([BOB]);
    }
    await settle(timers, () => batches.flat().length === 10);
    expect(batches.flat()).toEqual(written);
    expect(mostInFlight).toBe(1);
    expect(batches.length).toBeLessThan(10);
    expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(BATCHES.maxEntries);
  });

  it('lets nothing written later go before a failed batch: the retry carries its entries first', async () => {
    db = await openTestDatabase(undefined, 'pump-batch-retry', () => clock.now);
    const timers = new ManualTimers();
    const accepted: string[] = [];
    const attempts: string[][] = [];
    let failuresLeft = 2;
    pump = new OutboxPump(
      db,
      timers,
      () => clock.now,
      RETRY,
      async (batch) => {
        // Each attempt starts at the oldest entry not yet accepted.
        expect(batch[0]?.messageId).toBe(`m${accepted.length}`);
        attempts.push(ids(batch));
        // The relay refuses the batch that holds m1 twice (rate limit, say): none of it is accepted.
        if (ids(batch).includes('m1') && failuresLeft-- > 0)
          throw new ParleyError('RATE_LIMITED', 'slow down');
        accepted.push(...ids(batch));
      },
      async () => undefined,
      BATCHES,
    );
    await queue(db, 'm0', 0);
    await queue(db, 'm1', 1);
    await queue(db, 'm2', 2);
    pump.kick();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Written while m0..m2 wait for their retry; due at once, but behind them.
    for (let i = 3; i < 8; i += 1) await queue(db, `m${i}`, i);
    pump.kick();
    await settle(timers, () => accepted.length === 8);
    expect(accepted).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    expect(attempts.slice(0, 2).map((attempt) => attempt[0])).toEqual(['m0', 'm0']);
    const entries = await Promise.all(['m0', 'm1', 'm2'].map((id) => db?.outbox.forMessage(id)));
    expect(entries.map((list) => list?.[0]?.attempts)).toEqual([3, 3, 3]);
  });

  it('tries a batch refused for good one entry at a time, so only the culprit fails', async () => {
    db = await openTestDatabase(undefined, 'pump-batch-culprit', () => clock.now);
    const timers = new ManualTimers();
    const accepted: string[] = [];
    const settled: OutboxEntry[] = [];
    pump = new OutboxPump(
      db,
      timers,
      () => clock.now,
      RETRY,
      async (batch) => {
        if (ids(batch).includes('bad')) throw new ParleyError('PAYLOAD_TOO_LARGE', 'too large');
        accepted.push(...ids(batch));
      },
      async (entry) => {
        settled.push(entry);
      },
      BATCHES,
    );
    await queue(db, 'a', 0);
    await queue(db, 'bad', 1);
    await queue(db, 'c', 2);
    pump.kick();
    await settle(timers, () => settled.length === 3);
    expect(accepted).toEqual(['a', 'c']);
    expect(settled.find((entry) => entry.messageId === 'bad')).toMatchObject({
      state: 'failed',
      lastError: 'PAYLOAD_TOO_LARGE: too large',
    });
  });

  it("keeps sending to one device while another device's batch is stuck", async () => {
    db = await openTestDatabase(undefined, 'pump-lanes', () => clock.now);
    const timers = new ManualTimers();
    const accepted: string[] = [];
    let release: (() => void) | undefined;
    pump = new OutboxPump(
      db,
      timers,
      () => clock.now,
      RETRY,
      async (batch) => {
        if (batch[0]?.recipient.name === CAROL.name)
          await new Promise<void>((resolve) => (release = resolve));
        accepted.push(...ids(batch));
      },
      async () => undefined,
      BATCHES,
    );
    await queue(db, 'to-carol', 0, CAROL);
    pump.kick();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await queue(db, 'to-bob-1', 1);
    await queue(db, 'to-bob-2', 2);
    pump.kick([BOB]);
    await settle(timers, () => accepted.length === 2);
    expect(accepted).toEqual(['to-bob-1', 'to-bob-2']);
    release?.();
    await settle(timers, () => accepted.length === 3);
    expect(accepted).toContain('to-carol');
  });
});
