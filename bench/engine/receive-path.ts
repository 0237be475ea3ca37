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
 * BENCH_PATHS=inline,shared,worker,posted (default all): which receiving stacks to run, e.g. one alone under
 * perf. `inline` decrypts on this thread into an unshared sink (the engine's default without an opener),
 * `shared` the same into a sink of shared memory (sharedMemorySinkFactory), `worker` on the worker into the
 * sink's shared memory (the engine's default with workerOpener), `posted` the same worker with an unshared
 * sink, its plaintext posted back and copied in (a browser's way).
 */
const PATHS = new Set((process.env.BENCH_PATHS ?? 'inline,shared,worker,posted').split(','));

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
 * Feeds `frames` one per macrotask, as a data channel delivers them; with `held` (the receiver's bytes
 * taken, and its next progress), it holds back while 128 chunks are unwritten, as a sender does inside the
 * receiver's window, until the receiver writes more (waiting idle, as a receiving thread does for frames,
 * instead of polling: a receiver that writes later, through a worker, would otherwise pay for the polls).
 */
async function feed(
  link: FakeLink,
  frames: readonly Uint8Array[],
  held?: { written: () => number; progressed: () => Promise<void> },
): Promise<void> {
  let sent = 0;
  for (const frame of frames) {
    while (held !== undefined && sent - held.written() > 128 * DEFAULT_CHUNK_BYTES) await held.progressed();
    link.deliver(frame);
    sent += frame.byteLength;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** CPU per file of one receiving stack, ms per round: the process, this thread, the worker's, V8's helpers'. */
interface PathFigures {
  readonly label: string;
  readonly opener: AttachmentOpener | undefined;
  readonly shared: boolean;
  readonly process: number[];
  readonly thread: number[];
  readonly worker: number[];
  readonly helpers: number[];
}

async function main(): Promise<void> {
  heading(
    `The receive path alone: a ${FILE_BYTES / 2 ** 20} MiB file's frames, no WebRTC, best of ${ROUNDS}`,
  );
  const crypto = { backend: nodeNativeBackend, randomBytes: (n: number) => new Uint8Array(randomBytes(n)) };
  const plaintext = new Uint8Array(randomBytes(FILE_BYTES));
  const raw: number[] = [];
  // Threads started after this point are the worker's; the ones before it are this thread and V8's helpers.
  const startThreads = new Set(threadTimes().keys());
  // The client's attachmentOpener; seen without `sharedMemory`, the same worker posts plaintext back.
  const worker = workerOpener();
  const posted: AttachmentOpener = { open: (batch) => worker.open(batch), close: () => undefined };
  const path = (label: string, opener: AttachmentOpener | undefined, shared = false): PathFigures => ({
    label,
    opener,
    shared,
    process: [],
    thread: [],
    worker: [],
    helpers: [],
  });
  const paths = new Map<string, PathFigures>([
    ['inline', path('decrypting on the JavaScript thread into an unshared sink', undefined)],
    ['shared', path('decrypting on the JavaScript thread into a shared sink', undefined, true)],
    ['worker', path("decrypting on a worker thread into the sink's shared memory", worker)],
    ['posted', path('decrypting on a worker thread, plaintext posted back into an unshared sink', posted)],
  ]);
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
    for (const [name, figures] of paths) {
      if (!PATHS.has(name)) continue;
      const link = new FakeLink();
      const framed = new FramedLink(link as unknown as DataLink);
      const session = new TransferSession(framed);
      const before = cpuMs();
      const beforeThread = threadMs();
      const beforeAll = threadTimes();
      const receiving = await receivePath(session, file, crypto, figures.opener, figures.shared);
      await feed(link, file.frames, receiving);
      await receiving.done;
      figures.process.push(cpuMs() - before);
      figures.thread.push(threadMs() - beforeThread);
      const afterAll = threadTimes();
      figures.worker.push(spent(beforeAll, afterAll, (tid) => !startThreads.has(tid)));
      figures.helpers.push(spent(beforeAll, afterAll, (tid) => tid !== process.pid && startThreads.has(tid)));
      if (receiving.bytes().byteLength !== FILE_BYTES) throw new Error('wrong size');
    }
  }
  const median = (values: readonly number[]) => medianAfterFirst(values).toFixed(0);
  line(`counting the same frames: median ${median(raw)} ms (${roundList(raw)})`);
  for (const [name, figures] of paths) {
    if (!PATHS.has(name)) continue;
    line(
      `${name}, ${figures.label}: median ${median(figures.process)} ms CPU per file, all threads ` +
        `(${roundList(figures.process)}); ${median(figures.thread)} ms on the JavaScript thread ` +
        `(${roundList(figures.thread)}), ${median(figures.worker)} on the worker, ` +
        `${median(figures.helpers)} on V8's helper threads (${roundList(figures.helpers)})`,
    );
  }
  worker.close();
}

runIfMain(import.meta.url, main);
