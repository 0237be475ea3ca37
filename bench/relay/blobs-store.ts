/**
 * Offline blobs deposited and drained per second by the relay's store itself (no sockets): SQLite and
 * Redis. Target: 10,000/s each way on SQLite. Baseline in the same run: raw better-sqlite3 with the store's
 * pragmas writing and deleting the same rows in a one-table schema, so the ratio is the cost of the store's
 * bookkeeping (quota, per-recipient copies, delivery notices).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openRedisStore, openSqliteStore, type RelayStore } from '../../relay/src/store/index.js';
import { startRedisServer } from '../../relay/src/testing/redis-server.node.js';
import { makeIdentities } from './lib/identities.node.js';
import { BENCH_BLOB_QUOTA } from './lib/bench-limits.js';
import { perSecond } from './lib/cpu-window.node.js';
import { runIfMain } from './lib/main.node.js';
import { count, heading, line, ratio } from './lib/report.js';

const BLOBS = 20_000;
const PAYLOAD_BYTES = 1024;
const PEOPLE = 100;
/** Deposits in flight at once, as from many connections; SQLite's group commit batches them. */
const DEPOSIT_CONCURRENCY = 256;
const DRAIN_PAGE = 250;
const TARGET = 10_000;

/** Per wall-clock second and per CPU-second of this process (where SQLite runs; Redis works in its own). */
export interface Rate {
  wall: number;
  cpu: number;
}

export interface Throughput {
  deposit: Rate;
  drain: Rate;
}

function stopwatch(): () => Rate {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpuStart);
    return {
      wall: perSecond(BLOBS, performance.now() - wallStart),
      cpu: perSecond(BLOBS, (used.user + used.system) / 1000),
    };
  };
}

/** Deposits BLOBS payloads from PEOPLE senders to PEOPLE recipients, then drains them page by page. */
export async function storeThroughput(store: RelayStore): Promise<Throughput> {
  const people = makeIdentities(PEOPLE).map((identity) => identity.id);
  const payload = new Uint8Array(randomBytes(PAYLOAD_BYTES));
  const now = Date.now();
  let next = 0;
  const depositTimer = stopwatch();
  await Promise.all(
    Array.from({ length: DEPOSIT_CONCURRENCY }, async () => {
      while (next < BLOBS) {
        const index = next;
        next += 1;
        await store.blobs.deposit(
          {
            sender: people[index % PEOPLE] as string,
            recipients: [people[(index * 7 + 1) % PEOPLE] as string],
            payload,
            depositedAt: now,
            expiresAt: now + 86_400_000,
          },
          BENCH_BLOB_QUOTA,
        );
      }
    }),
  );
  const deposit = depositTimer();

  let drained = 0;
  const drainTimer = stopwatch();
  await Promise.all(
    people.map(async (recipient) => {
      for (;;) {
        const page = await store.blobs.pending(recipient, DRAIN_PAGE);
        if (page.length === 0) return;
        await store.blobs.ack(
          recipient,
          page.map((blob) => blob.id),
          now,
          now + 7 * 24 * 3600 * 1000,
        );
        drained += page.length;
      }
    }),
  );
  const drain = drainTimer();
  if (drained !== BLOBS) throw new Error(`drained ${drained} of ${BLOBS} blobs`);
  return { deposit, drain };
}

/** The same rows through better-sqlite3 directly: one table, prepared statements, 256 rows per transaction. */
function rawSqliteThroughput(path: string): Throughput {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE blob (id TEXT PRIMARY KEY, recipient TEXT NOT NULL, payload BLOB NOT NULL)');
  db.exec('CREATE INDEX blob_recipient ON blob (recipient)');
  const insert = db.prepare('INSERT INTO blob (id, recipient, payload) VALUES (?, ?, ?)');
  const page = db.prepare<[string, number], { id: string; payload: Buffer }>(
    'SELECT id, payload FROM blob WHERE recipient = ? LIMIT ?',
  );
  const remove = db.prepare('DELETE FROM blob WHERE id = ?');
  const payload = randomBytes(PAYLOAD_BYTES);
  const people = makeIdentities(PEOPLE).map((identity) => identity.id);

  const depositTimer = stopwatch();
  const insertBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i += 1)
      insert.run(randomBytes(16).toString('base64url'), people[i % PEOPLE], payload);
  });
  for (let i = 0; i < BLOBS; i += DEPOSIT_CONCURRENCY)
    insertBatch(i, Math.min(BLOBS, i + DEPOSIT_CONCURRENCY));
  const deposit = depositTimer();

  const drainTimer = stopwatch();
  const removeAll = db.transaction((ids: string[]) => ids.forEach((id) => remove.run(id)));
  for (const recipient of people) {
    for (;;) {
      const rows = page.all(recipient, DRAIN_PAGE);
      if (rows.length === 0) break;
      removeAll(rows.map((row) => row.id));
    }
  }
  const drain = drainTimer();
  db.close();
  return { deposit, drain };
}

export async function main(): Promise<void> {
  heading(
    `Blob store (direct, no sockets): ${count(BLOBS)} blobs of ${PAYLOAD_BYTES} B, ${PEOPLE} senders → ${PEOPLE} recipients, ` +
      `${DEPOSIT_CONCURRENCY} deposits in flight, drained ${DRAIN_PAGE} per page (pending + ack)`,
  );
  const dir = await mkdtemp(join(tmpdir(), 'parley-bench-store-'));
  try {
    const raw = rawSqliteThroughput(join(dir, 'raw.sqlite'));
    const store = await openSqliteStore({ path: join(dir, 'store.sqlite') });
    const sqlite = await storeThroughput(store).finally(() => store.close());
    for (const way of ['deposit', 'drain'] as const) {
      line(
        `SQLite store ${way}: ${count(sqlite[way].wall)} blobs/s = ${ratio(sqlite[way].wall, TARGET)} target of ` +
          `${count(TARGET)}/s; per CPU-second ${count(sqlite[way].cpu)} = ${ratio(sqlite[way].cpu, raw[way].cpu)} ` +
          `raw better-sqlite3 (${count(raw[way].cpu)} rows per CPU-second, one table)`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const redis = await startRedisServer();
  try {
    const store = await openRedisStore({ url: redis.url, prefix: 'bench:' });
    const result = await storeThroughput(store).finally(() => store.close());
    for (const way of ['deposit', 'drain'] as const) {
      line(
        `Redis store ${way}: ${count(result[way].wall)} blobs/s = ${ratio(result[way].wall, TARGET)} the SQLite target ` +
          '(Redis works in its own process, so no per-CPU-second figure)',
      );
    }
  } catch (error) {
    line(`Redis store: not measured (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    await redis.stop();
  }
}

runIfMain(import.meta.url, main);
