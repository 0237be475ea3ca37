/**
 * History transfer to a newly linked device over a direct link, as a ratio to the engine's encrypted file
 * transfer over a direct link between the same two devices in the same run.
 *
 * History: an existing device holding `--messages=N` messages (default 10,000, in 4 conversations, texts of
 * 20–100 characters) links a fresh device (payload, hello, short code, confirm) and moves everything; timed
 * from `confirm()` to the new device's `done` (export, batch, box, send over the WebRTC data channel, open,
 * validate, write to the new device's database, ack). MB = bytes of the history batches' JSON (what is boxed).
 * Baseline: `files.send` of a file of that many bytes from the same existing device to the same new device
 * (made contacts first) over their direct link, until the `file` event. Rounds alternate history and file,
 * each with a fresh new device; the best of each is reported. Both devices in this process, Node's native
 * crypto backend, fake-indexeddb as in the other engine benches.
 */
import { randomBytes } from 'node:crypto';
import {
  countHistory,
  exportHistory,
  importHistoryBatch,
  type LinkEvents,
  type LinkJoin,
  type ParleyClient,
} from '@parley/core';
import { nodeNativeBackend } from '@parley/core/crypto/native';
import { runIfMain } from '../relay/lib/main.node.js';
import { heading, line, ratio } from '../relay/lib/report.js';
import { startServerProcess } from '../relay/lib/server-process.node.js';
import { next, openDirectLink, pair, startDevice, until } from '../engine/lib/devices.node.js';
import { mbPerSecond } from '../engine/lib/stats.js';

const MESSAGES = Number(process.argv.find((arg) => arg.startsWith('--messages='))?.slice(11) ?? 10_000);
const CONVERSATIONS = 4;
const ROUNDS = Number(process.argv.find((arg) => arg.startsWith('--rounds='))?.slice(9) ?? 2);
/** Only the history rounds (no file baseline, no database copy): the 100,000-message run takes minutes. */
const HISTORY_ONLY = process.argv.includes('--history-only');

/**
 * The process's memory high-water: both devices, the relay client sockets and WebRTC live in this process, so
 * this is the sum of both ends. `maxRSS` is the kernel's peak resident set (KiB); the heap is sampled.
 */
class MemoryWatch {
  #heapPeak = 0;
  readonly #timer = setInterval(() => this.sample(), 200);
  sample(): void {
    this.#heapPeak = Math.max(this.#heapPeak, process.memoryUsage().heapUsed);
  }
  stop(): { rssPeakMb: number; heapPeakMb: number } {
    clearInterval(this.#timer);
    this.sample();
    return { rssPeakMb: process.resourceUsage().maxRSS / 1024, heapPeakMb: this.#heapPeak / 2 ** 20 };
  }
}

/** Where the bench is, on stderr: a slow machine shows where the time goes. */
function step(text: string): void {
  process.stderr.write(`  … ${text}\n`);
}

function once<K extends keyof LinkEvents & string>(join: LinkJoin, event: K): Promise<LinkEvents[K]> {
  return new Promise((resolve, reject) => {
    const offError = join.on('error', (error) => reject(error));
    const off = join.on(event, (payload: LinkEvents[K]) => {
      off();
      offError();
      resolve(payload);
    });
  });
}

async function seed(client: ParleyClient): Promise<void> {
  const per = MESSAGES / CONVERSATIONS;
  for (let c = 0; c < CONVERSATIONS; c++) {
    const id = `direct:bench-peer-${c}`;
    await client.db.conversations.put({
      id,
      kind: 'direct',
      title: `peer ${c}`,
      members: [`bench-peer-${c}`],
      lastActivity: 0,
      unreadCount: 0,
      archived: false,
    });
    for (let start = 0; start < per; start += 1000) {
      await client.db.messages.insertMany(
        Array.from({ length: Math.min(1000, per - start) }, (_, i) => {
          const n = start + i;
          const outgoing = n % 2 === 0;
          return {
            id: `${id}/${n}`,
            conversationId: id,
            sender: { name: outgoing ? client.account : `bench-peer-${c}`, deviceId: 1 },
            sentAt: 1_700_000_000_000 + n * 1000,
            senderCounter: n,
            receivedAt: 1_700_000_000_000 + n * 1000,
            direction: outgoing ? ('outgoing' as const) : ('incoming' as const),
            state: outgoing ? ('read' as const) : ('received' as const),
            text: `message ${n}: ${'abcdefghij'.repeat(2 + (n % 9))}`,
          };
        }),
      );
    }
  }
}

/** The bytes the history is as batches (JSON before boxing), measured by exporting it once. */
async function historyBytes(client: ParleyClient): Promise<number> {
  let bytes = 0;
  for await (const batch of exportHistory(client.db, client.db.engineState, undefined, {
    batchBytes: 256 * 1024,
  })) {
    bytes += JSON.stringify({ t: 'history-batch', seq: 0, ...batch, total: MESSAGES }).length;
  }
  return bytes;
}

/**
 * The same export and import with no link between: batches go straight from the existing device's database
 * into a fresh one. What the transfer cannot beat whatever the link; the rest is the link and its crypto.
 */
async function localCopyRound(alice: ParleyClient, fresh: ParleyClient): Promise<number> {
  const started = performance.now();
  let seq = 0;
  for await (const batch of exportHistory(alice.db, alice.db.engineState, undefined, {
    batchBytes: 256 * 1024,
  })) {
    await importHistoryBatch(fresh.db, fresh.db.engineState, {
      t: 'history-batch',
      seq: seq++,
      ...batch,
      total: MESSAGES,
    });
  }
  return performance.now() - started;
}

async function historyRound(
  alice: ParleyClient,
  laptop: ParleyClient,
): Promise<{ ms: number; cpuMs: number; messages: number; path: string }> {
  // The baseline rounds' link-opening messages join the history: count what there is now.
  const expected = await countHistory(alice.db);
  const offer = alice.linking.offer();
  offer.on('error', (error) => step(`existing device: ${error.message}`));
  const join = await laptop.linking.join(offer.text);
  join.on('error', (error) => step(`new device: ${error.message}`));
  let quarter = 0;
  join.on('progress', ({ messages, total }) => {
    if (messages < ((quarter + 1) * total) / 4) return;
    quarter += 1;
    step(`history: ${messages} of ${total}`);
  });
  await once(join, 'code');
  const done = once(join, 'done');
  const started = performance.now();
  const cpu = process.cpuUsage();
  await offer.confirm();
  const { messages } = await done;
  const ms = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  if (messages !== expected) throw new Error(`moved ${messages} of ${expected} messages`);
  return {
    ms,
    cpuMs: (user + system) / 1000,
    messages,
    path: offer.channel?.path ?? 'closed (direct, finished)',
  };
}

async function fileRound(
  alice: ParleyClient,
  laptop: ParleyClient,
  file: Uint8Array,
  round: number,
): Promise<number> {
  await pair(alice, laptop);
  await openDirectLink(alice, laptop);
  const name = `history-baseline-${round}.bin`;
  const arrived = next(laptop, 'file', (event) => event.name === name, 120_000);
  const started = performance.now();
  await alice.files.send(alice.conversations.direct(laptop.account), {
    name,
    mimeType: 'application/octet-stream',
    bytes: file,
  });
  const { bytes } = await arrived;
  if (bytes?.byteLength !== file.byteLength) throw new Error('the baseline file arrived with the wrong size');
  return performance.now() - started;
}

async function main(): Promise<void> {
  heading(
    `History transfer to a linked device over a direct link on loopback: ${MESSAGES} messages, ${ROUNDS} rounds, ` +
      'best of each (baseline: the engine sending a file of the same size over a direct link, encrypted)',
  );
  const memory = new MemoryWatch();
  const relay = await startServerProcess('relay.node.ts');
  const clients: ParleyClient[] = [];
  const start = async (name: string) => {
    const client = await startDevice(name, relay.url, { direct: true, backend: nodeNativeBackend });
    clients.push(client);
    await until(() => client.connected, `${name} to connect`);
    return client;
  };
  try {
    const alice = await start('history-alice');
    await seed(alice);
    const bytes = await historyBytes(alice);
    const seeded = memory.stop();
    step(
      `seeded ${MESSAGES} messages, ${bytes} bytes of batches; memory so far: RSS peak ${seeded.rssPeakMb.toFixed(0)} MB, ` +
        `heap peak ${seeded.heapPeakMb.toFixed(0)} MB`,
    );
    const transferMemory = new MemoryWatch();
    const file = new Uint8Array(randomBytes(bytes));
    const history: number[] = [];
    const rates: number[] = [];
    /** Messages per CPU-second of this process (both devices): what the machine's load does not change. */
    const cpuRates: number[] = [];
    const files: number[] = [];
    const copies: number[] = [];
    const paths = new Set<string>();
    for (let round = 0; round < ROUNDS; round += 1) {
      const { ms, cpuMs, messages, path } = await historyRound(alice, await start(`history-laptop-${round}`));
      history.push(ms);
      cpuRates.push((messages / cpuMs) * 1000);
      rates.push((messages / ms) * 1000);
      paths.add(path);
      step(`history round ${round}: ${Math.round(ms)} ms`);
      if (HISTORY_ONLY) continue;
      files.push(await fileRound(alice, await start(`file-laptop-${round}`), file, round));
      copies.push(await localCopyRound(alice, await start(`copy-laptop-${round}`)));
    }
    const bestHistory = Math.min(...history);
    const peak = transferMemory.stop();
    line(
      `memory high-water of the process (both devices): RSS ${peak.rssPeakMb.toFixed(0)} MB ` +
        `(${seeded.rssPeakMb.toFixed(0)} MB after seeding), JS heap ${peak.heapPeakMb.toFixed(0)} MB ` +
        `(${seeded.heapPeakMb.toFixed(0)} MB after seeding)`,
    );
    if (HISTORY_ONLY) {
      line(
        `history: ${Math.round(Math.max(...rates))} messages/s, ${mbPerSecond(bytes, bestHistory).toFixed(2)} MB/s ` +
          `(${(bytes / 1e6).toFixed(2)} MB of batches in ${Math.round(bestHistory)} ms); ` +
          `${Math.round(Math.max(...cpuRates))} messages per CPU-second of this process; rounds ${history
            .map((v) => Math.round(v))
            .join(', ')} ms; path at the end: ${[...paths].join(', ')}`,
      );
      return;
    }
    const bestFile = Math.min(...files);
    const historyMbps = mbPerSecond(bytes, bestHistory);
    const fileMbps = mbPerSecond(bytes, bestFile);
    line(
      `history: ${Math.round(Math.max(...rates))} messages/s, ${historyMbps.toFixed(2)} MB/s ` +
        `(${(bytes / 1e6).toFixed(2)} MB of batches in ${Math.round(bestHistory)} ms) = ${ratio(historyMbps, fileMbps)} ` +
        `the engine's encrypted file transfer (${fileMbps.toFixed(2)} MB/s, ${Math.round(bestFile)} ms)`,
    );
    const bestCopy = Math.min(...copies);
    line(
      `  the same export and import with no link (database to database): ${Math.round(bestCopy)} ms, ` +
        `${Math.round((MESSAGES / bestCopy) * 1000)} messages/s → the transfer runs at ${ratio(bestCopy, bestHistory)} of it`,
    );
    line(
      `  rounds: history ${history.map((v) => Math.round(v)).join(', ')} ms; file ${files.map((v) => Math.round(v)).join(', ')} ms; ` +
        `history path at the end: ${[...paths].join(', ')}`,
    );
  } finally {
    for (const client of clients) await client.close();
    await relay.stop();
  }
}

runIfMain(import.meta.url, main);
