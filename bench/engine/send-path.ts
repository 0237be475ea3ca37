/**
 * The sending end's own work per file, without WebRTC: the engine's sending stack for a 16 MiB file
 * (EncryptingReader → TransferSender → TransferSession → FramedLink, file-sending.ts's direct path without the
 * database and the link) handing its frames to a link that takes each at once, answered with the acks a
 * receiver sends (one per quarter window), against a baseline that hands the same bytes to the same link as
 * 16 KiB slices, as the raw rounds of bench/engine/file-transfer.ts do. Prints CPU per file, all threads and
 * the JavaScript thread's own: what the send path adds per byte on top of whatever the data channel costs.
 * Each round also sends the file with its chunks sealed on a worker thread (`workerSealer`, the client's
 * `attachmentSealer`), whose CPU counts in the process's figure but not in the JavaScript thread's.
 */
import { randomBytes } from 'node:crypto';
import { nodeNativeBackend } from '@parley/core/crypto/native';
import { workerSealer } from '@parley/core/crypto/opener/node';
import { FramedLink, MAX_FRAME_BYTES, TransferSession, type DataLink } from '@parley/core';
import { FakeLink, cpuMs, medianAfterFirst, roundList, threadMs } from './lib/path-bench.node.js';
import { runIfMain } from '../relay/lib/main.node.js';
import { heading, line } from '../relay/lib/report.js';
import { sendPath } from './lib/send-path.js';

const FILE_BYTES = 16 * 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

async function main(): Promise<void> {
  heading(`The send path alone: a ${FILE_BYTES / 2 ** 20} MiB file, no WebRTC, best of ${ROUNDS}`);
  const crypto = { backend: nodeNativeBackend, randomBytes: (n: number) => new Uint8Array(randomBytes(n)) };
  const plaintext = new Uint8Array(randomBytes(FILE_BYTES));
  const raw: number[] = [];
  const rawThread: number[] = [];
  const engine: number[] = [];
  const engineThread: number[] = [];
  const worker: number[] = [];
  const workerThread: number[] = [];
  const sealer = workerSealer();
  for (let round = 0; round < ROUNDS; round += 1) {
    {
      const link = new FakeLink();
      const before = cpuMs();
      const beforeThread = threadMs();
      for (let offset = 0; offset < FILE_BYTES; offset += MAX_FRAME_BYTES)
        await link.send(plaintext.slice(offset, offset + MAX_FRAME_BYTES));
      raw.push(cpuMs() - before);
      rawThread.push(threadMs() - beforeThread);
    }
    {
      const link = new FakeLink();
      const session = new TransferSession(new FramedLink(link as unknown as DataLink));
      const before = cpuMs();
      const beforeThread = threadMs();
      await sendPath(session, link, plaintext, crypto, `bench${round}`);
      engine.push(cpuMs() - before);
      engineThread.push(threadMs() - beforeThread);
      if (link.sent < FILE_BYTES) throw new Error('not every byte went out');
    }
    {
      const link = new FakeLink();
      const session = new TransferSession(new FramedLink(link as unknown as DataLink));
      const before = cpuMs();
      const beforeThread = threadMs();
      await sendPath(session, link, plaintext, crypto, `worker${round}`, sealer);
      worker.push(cpuMs() - before);
      workerThread.push(threadMs() - beforeThread);
      if (link.sent < FILE_BYTES) throw new Error('not every byte went out');
    }
  }
  sealer.close();
  const median = medianAfterFirst;
  const rounds = roundList;
  line(
    `send path: median ${median(engine).toFixed(0)} ms CPU per file (rounds ${rounds(engine)}), ` +
      `${median(engineThread).toFixed(0)} ms of it on the JavaScript thread; ` +
      `16 KiB slices of the same bytes: median ${median(raw).toFixed(0)} ms (${rounds(raw)}), ` +
      `${median(rawThread).toFixed(0)} ms on the JavaScript thread`,
  );
  line(
    `send path sealing on a worker thread: median ${median(worker).toFixed(0)} ms CPU per file ` +
      `(rounds ${rounds(worker)}), ${median(workerThread).toFixed(0)} ms of it on the JavaScript thread`,
  );
}

runIfMain(import.meta.url, main);
