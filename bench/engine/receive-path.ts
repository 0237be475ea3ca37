/**
 * The receiving end's own work per file, without WebRTC: the frames a sender's engine puts on a direct link
 * for a 16 MiB file (hello, chunks, trailer), fed one per macrotask into the receiving stack the engine builds
 * (FramedLink → TransferSession → TransferReceiver → DecryptingWriter → MemoryFileSink, with the engine's
 * checkpointing and progress events), against a baseline that only counts the same frames' bytes. Prints
 * main-thread CPU per file for each, best of several rounds: what the receive path adds per byte on top of
 * whatever the data channel costs (bench/engine/file-transfer.ts measures that end to end).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { nodeNativeBackend } from '@parley/core/crypto/native';
import { workerOpener } from '@parley/core/crypto/opener/node';
import {
  DEFAULT_CHUNK_BYTES,
  FramedLink,
  TransferSession,
  type AttachmentOpener,
  type DataLink,
} from '@parley/core';
import { FakeLink, cpuMs, medianAfterFirst, roundList, threadMs } from './lib/path-bench.node.js';
import { runIfMain } from '../relay/lib/main.node.js';
import { heading, line } from '../relay/lib/report.js';
import { receivePath, sendingFrames } from './lib/receive-path.js';

const FILE_BYTES = 16 * 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
/**
 * BENCH_PATHS=inline,worker,posted (default all): which receiving stacks to run, e.g. one alone under perf.
 * `worker` decrypts into the sink's shared memory, as the engine does with workerOpener; `posted` is the
 * same worker with a sink of unshared memory, its plaintext posted back and copied in (a browser's way).
 */
const PATHS = new Set((process.env.BENCH_PATHS ?? 'inline,worker,posted').split(','));

/** CPU ns of each of this process's threads, by thread id (the scheduler's own count). */
function threadTimes(): Map<number, number> {
  const times = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      times.set(Number(tid), Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return times;
}

/** ms each of `threads` spent between two threadTimes(), the ones in `of` (or all others with `not`). */
function spent(
  before: Map<number, number>,
  after: Map<number, number>,
  keep: (tid: number) => boolean,
): number {
  let ns = 0;
  for (const [tid, time] of after) if (keep(tid)) ns += time - (before.get(tid) ?? 0);
  return ns / 1e6;
}

/**
 * Feeds `frames` one per macrotask, as a data channel delivers them; with `written` (the receiver's bytes
 * taken), it holds back while 128 chunks are unwritten, as a sender does inside the receiver's window.
 */
async function feed(link: FakeLink, frames: readonly Uint8Array[], written?: () => number): Promise<void> {
  let sent = 0;
  for (const frame of frames) {
    while (written !== undefined && sent - written() > 128 * DEFAULT_CHUNK_BYTES)
      await new Promise<void>((resolve) => setImmediate(resolve));
    link.deliver(frame);
    sent += frame.byteLength;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

async function main(): Promise<void> {
  heading(
    `The receive path alone: a ${FILE_BYTES / 2 ** 20} MiB file's frames, no WebRTC, best of ${ROUNDS}`,
  );
  const crypto = { backend: nodeNativeBackend, randomBytes: (n: number) => new Uint8Array(randomBytes(n)) };
  const plaintext = new Uint8Array(randomBytes(FILE_BYTES));
  const raw: number[] = [];
  const engine: number[] = [];
  const engineThread: number[] = [];
  // The same stack decrypting on a worker thread (the client's attachmentOpener): all threads, and this one.
  // Threads started after this point are the worker's; the ones before it are this thread and V8's helpers.
  const startThreads = new Set(threadTimes().keys());
  const worker = workerOpener();
  const workerCpu: number[] = [];
  const workerThread: number[] = [];
  const workerOwn: number[] = [];
  // The same worker, seen as an opener that does not share memory: the sink is unshared.
  const posted: AttachmentOpener = { open: (batch) => worker.open(batch), close: () => undefined };
  const postedCpu: number[] = [];
  const postedThread: number[] = [];
  const postedOwn: number[] = [];
  const helpers = { inline: [] as number[], worker: [] as number[], posted: [] as number[] };
  // One file's frames serve every round: each round receives them into a fresh session and sink.
  const file = await sendingFrames(plaintext, crypto, 'bench');
  for (let round = 0; round < ROUNDS; round += 1) {
    {
      const link = new FakeLink();
      let bytes = 0;
      link.on('message', (frame) => {
        bytes += frame.byteLength;
      });
      const before = cpuMs();
      await feed(link, file.frames);
      raw.push(cpuMs() - before);
      if (bytes === 0) throw new Error('no bytes');
    }
    for (const [name, opener, cpu, thread] of [
      ['inline', undefined, engine, engineThread],
      ['worker', worker, workerCpu, workerThread],
      ['posted', posted, postedCpu, postedThread],
    ] as const) {
      if (!PATHS.has(name)) continue;
      const link = new FakeLink();
      const framed = new FramedLink(link as unknown as DataLink);
      const session = new TransferSession(framed);
      const before = cpuMs();
      const beforeThread = threadMs();
      const beforeAll = threadTimes();
      const { done, bytes, written } = await receivePath(session, file, crypto, opener);
      await feed(link, file.frames, written);
      await done;
      cpu.push(cpuMs() - before);
      thread.push(threadMs() - beforeThread);
      const afterAll = threadTimes();
      helpers[name].push(spent(beforeAll, afterAll, (tid) => tid !== process.pid && startThreads.has(tid)));
      if (name !== 'inline')
        (name === 'worker' ? workerOwn : postedOwn).push(
          spent(beforeAll, afterAll, (tid) => !startThreads.has(tid)),
        );
      if (bytes().byteLength !== FILE_BYTES) throw new Error('wrong size');
    }
  }
  const median = medianAfterFirst;
  const rounds = roundList;
  if (PATHS.has('inline'))
    line(
      `receive path: median ${median(engine).toFixed(0)} ms CPU per file (rounds ${rounds(engine)}), ` +
        `${median(engineThread).toFixed(0)} ms of it on the JavaScript thread, ` +
        `${median(helpers.inline).toFixed(0)} on V8's helper threads; ` +
        `counting the same frames: median ${median(raw).toFixed(0)} ms (${rounds(raw)})`,
    );
  if (PATHS.has('worker'))
    line(
      `decrypting on a worker thread: median ${median(workerCpu).toFixed(0)} ms CPU per file, all threads ` +
        `(${rounds(workerCpu)}), ${median(workerThread).toFixed(0)} ms on the JavaScript thread ` +
        `(${rounds(workerThread)}), ${median(workerOwn).toFixed(0)} on the worker (${rounds(workerOwn)}), ` +
        `${median(helpers.worker).toFixed(0)} on V8's helper threads`,
    );
  if (PATHS.has('posted'))
    line(
      `the same worker, plaintext posted back into an unshared sink: median ${median(postedCpu).toFixed(0)} ms ` +
        `CPU per file, all threads (${rounds(postedCpu)}), ${median(postedThread).toFixed(0)} ms on the ` +
        `JavaScript thread (${rounds(postedThread)}), ${median(postedOwn).toFixed(0)} on the worker ` +
        `(${rounds(postedOwn)}), ${median(helpers.posted).toFixed(0)} on V8's helper threads`,
    );
  worker.close();
}

runIfMain(import.meta.url, main);
