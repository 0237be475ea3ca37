/**
 * Offline blobs deposited and drained per second end to end through the relay (Socket.IO, validation,
 * quota, store), on SQLite and on Redis. Senders deposit to recipients who are offline; then the recipients
 * connect, receive every `blob` and ack them with `blob:ack` in batches. Target: 10,000/s each way on SQLite;
 * bench/relay/blobs-store.ts measures the store alone, so the two together show the cost of the socket layer.
 */
import { randomBytes } from 'node:crypto';
import { makeIdentities, type BenchIdentity } from './lib/identities.node.js';
import { closeAll, connectAuthenticated, pooled, type RelaySocket } from './lib/lean-client.node.js';
import { LIMITS_NOTE } from './lib/bench-limits.js';
import { cpuShares, perSecond, startCpuWindow, type CpuWindow } from './lib/cpu-window.node.js';
import { runIfMain } from './lib/main.node.js';
import { count, heading, line, ratio } from './lib/report.js';
import { startServerProcess } from './lib/server-process.node.js';
import { startRedisServer } from '../../relay/src/testing/redis-server.node.js';

const BLOBS = 10_000;
const PAYLOAD_BYTES = 1024;
const SENDERS = 50;
const RECIPIENTS = 50;
const IN_FLIGHT_PER_SENDER = 8;
const DRAIN_TIMEOUT_MS = 60_000;
const ACK_TIMEOUT_MS = 30_000;
const TARGET = 10_000;

interface Way {
  perSecond: number;
  perServerCpuSecond: number;
  window: CpuWindow;
}

interface Throughput {
  deposit: Way;
  drain: Way;
  errors: number;
}

function way(items: number, window: CpuWindow): Way {
  return {
    perSecond: perSecond(items, window.wallMs),
    perServerCpuSecond: perSecond(items, window.serverCpuMs),
    window,
  };
}

async function deposit(senders: RelaySocket[], recipients: BenchIdentity[]): Promise<number> {
  const payload = randomBytes(PAYLOAD_BYTES);
  let next = 0;
  let errors = 0;
  const lanes = senders.flatMap((socket) => Array.from({ length: IN_FLIGHT_PER_SENDER }, () => socket));
  await Promise.all(
    lanes.map(async (socket) => {
      while (next < BLOBS) {
        const index = next;
        next += 1;
        const recipient = recipients[index % recipients.length] as BenchIdentity;
        const result = await socket
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck('blob:deposit', { recipients: [recipient.id], payload });
        if (!result.ok) errors += 1;
      }
    }),
  );
  return errors;
}

/** Connects every recipient and resolves once the relay acked `blob:ack` for `expected` blobs in total. */
async function drain(url: string, recipients: BenchIdentity[], expected: number): Promise<RelaySocket[]> {
  let acknowledged = 0;
  const sockets: RelaySocket[] = [];
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`drain timed out: ${acknowledged} of ${expected} blobs acked`)),
      DRAIN_TIMEOUT_MS,
    );
    const connect = async (identity: BenchIdentity) => {
      const socket = await connectAuthenticated(url, identity, (socket) => {
        let batch: string[] = [];
        socket.on('blob', (blob) => {
          if (batch.length === 0) {
            setImmediate(() => {
              const ids = batch;
              batch = [];
              socket.emit('blob:ack', { ids }, (result) => {
                if (!result.ok) return reject(new Error(`blob:ack refused: ${result.error.code}`));
                acknowledged += ids.length;
                if (acknowledged >= expected) resolve();
              });
            });
          }
          batch.push(blob.id);
        });
      });
      sockets.push(socket);
    };
    pooled(recipients, recipients.length, connect).catch(reject);
  });
  try {
    await done;
  } finally {
    clearTimeout(timer);
  }
  return sockets;
}

async function throughput(options: { redisUrl?: string }): Promise<Throughput> {
  const relay = await startServerProcess('relay.node.ts', options);
  try {
    const recipients = makeIdentities(RECIPIENTS);
    const senders = await pooled(makeIdentities(SENDERS), SENDERS, (id) =>
      connectAuthenticated(relay.url, id),
    );
    const stopDeposit = startCpuWindow(relay);
    const errors = await deposit(senders, recipients);
    const deposited = stopDeposit();
    closeAll(senders);
    const stopDrain = startCpuWindow(relay);
    const drained = await drain(relay.url, recipients, BLOBS - errors);
    const drainedWindow = stopDrain();
    closeAll(drained);
    return { deposit: way(BLOBS - errors, deposited), drain: way(BLOBS - errors, drainedWindow), errors };
  } finally {
    await relay.stop();
  }
}

function report(store: string, result: Throughput, target: string): void {
  for (const name of ['deposit', 'drain'] as const) {
    const w = result[name];
    line(
      `${store} ${name} through the relay: ${count(w.perSecond)} blobs/s = ${ratio(w.perSecond, TARGET)} ${target}; ` +
        `${count(w.perServerCpuSecond)} per relay CPU-second (${cpuShares(w.window)})`,
    );
  }
  if (result.errors > 0) line(`${store}: ${count(result.errors)} deposits refused`);
}

export async function main(): Promise<void> {
  heading(
    `Blobs through the relay: ${count(BLOBS)} blobs of ${PAYLOAD_BYTES} B from ${SENDERS} connected senders ` +
      `(${IN_FLIGHT_PER_SENDER} in flight each) to ${RECIPIENTS} offline recipients, who then connect and drain ` +
      '(drain time includes their auth handshakes); relay in a child process',
  );
  report('SQLite', await throughput({}), `target of ${count(TARGET)}/s`);
  const redis = await startRedisServer();
  try {
    report('Redis', await throughput({ redisUrl: redis.url }), 'the SQLite target');
  } finally {
    await redis.stop();
  }
  line(LIMITS_NOTE);
}

runIfMain(import.meta.url, main);
