/**
 * The receiving end's own work per file, without WebRTC: the frames a sender's engine puts on a direct link
 * for a 16 MiB file (hello, chunks, trailer), fed one per macrotask into the receiving stack the engine builds
 * (FramedLink → TransferSession → TransferReceiver → DecryptingWriter → MemoryFileSink, with the engine's
 * checkpointing and progress events), against a baseline that only counts the same frames' bytes. Prints
 * main-thread CPU per file for each, best of several rounds: what the receive path adds per byte on top of
 * whatever the data channel costs (bench/engine/file-transfer.ts measures that end to end).
 */
import { randomBytes } from 'node:crypto';
import { nodeNativeBackend } from '@parley/core/crypto/native';
import { workerOpener } from '@parley/core/crypto/opener/node';
import { DEFAULT_CHUNK_BYTES, FramedLink, TransferSession, type DataLink } from '@parley/core';
import { FakeLink, cpuMs, medianAfterFirst, roundList, threadMs } from './lib/path-bench.node.js';
import { runIfMain } from '../relay/lib/main.node.js';
import { heading, line } from '../relay/lib/report.js';
import { receivePath, sendingFrames } from './lib/receive-path.js';

const FILE_BYTES = 16 * 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

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
  const worker = workerOpener();
  const workerCpu: number[] = [];
  const workerThread: number[] = [];
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
    for (const [opener, cpu, thread] of [
      [undefined, engine, engineThread],
      [worker, workerCpu, workerThread],
    ] as const) {
      const link = new FakeLink();
      const framed = new FramedLink(link as unknown as DataLink);
      const session = new TransferSession(framed);
      const before = cpuMs();
      const beforeThread = threadMs();
      const { done, bytes, written } = await receivePath(session, file, crypto, opener);
      await feed(link, file.frames, written);
      await done;
      cpu.push(cpuMs() - before);
      thread.push(threadMs() - beforeThread);
      if (bytes().byteLength !== FILE_BYTES) throw new Error('wrong size');
    }
  }
  const median = medianAfterFirst;
  const rounds = roundList;
  line(
    `receive path: median ${median(engine).toFixed(0)} ms CPU per file (rounds ${rounds(engine)}), ` +
      `${median(engineThread).toFixed(0)} ms of it on the JavaScript thread; ` +
      `counting the same frames: median ${median(raw).toFixed(0)} ms (${rounds(raw)})`,
  );
  line(
    `decrypting on a worker thread: median ${median(workerCpu).toFixed(0)} ms CPU per file, all threads ` +
      `(${rounds(workerCpu)}), ${median(workerThread).toFixed(0)} ms on the JavaScript thread (${rounds(workerThread)})`,
  );
  worker.close();
}

runIfMain(import.meta.url, main);
