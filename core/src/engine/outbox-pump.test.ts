import { afterEach, describe, expect, it } from 'vitest';
import { ParleyError } from '../errors/index.js';
import { ManualTimers } from '../link/testing/manual-timers.js';
import type { ClientDatabase, OutboxEntry } from '../storage/index.js';
import { ALICE, BOB, openTestDatabase } from '../storage/testing/fixtures.js';
import { encodeContent, type Content } from './content.js';
import { OutboxPump } from './outbox-pump.js';
import { outboxEntryId } from './outgoing.js';

const clock = { now: 1_700_000_000_000 };
let db: ClientDatabase | undefined;
let pump: OutboxPump | undefined;

afterEach(async () => {
  await pump?.close();
  db?.close();
});

async function queue(database: ClientDatabase, id: string, counter: number): Promise<void> {
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
        id: outboxEntryId(content, BOB),
        messageId: id,
        conversationId: 'direct:bob',
        recipient: BOB,
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
      async (entry: OutboxEntry) => {
        if (entry.messageId === 'first' && failuresLeft-- > 0)
          throw new ParleyError('UNAVAILABLE', 'relay down');
        sent.push(entry.messageId);
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
});
