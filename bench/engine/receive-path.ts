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
import { FramedLink, TransferSession, TypedEmitter, type DataLink, type DataLinkEvents } from '@parley/core';
import { runIfMain } from '../relay/lib/main.node.js';
import { heading, line } from '../relay/lib/report.js';
import { receivePath, sendingFrames } from './lib/receive-path.js';

const FILE_BYTES = 16 * 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

/** The DataLink surface a FramedLink uses; frames are pushed in by hand. */
class FakeLink extends TypedEmitter<DataLinkEvents> {
  readonly state = 'open';
  readonly link = this;
  sent = 0;
  async send(frame: Uint8Array): Promise<void> {
    this.sent += frame.byteLength;
  }
  deliver(frame: Uint8Array): void {
    this.emit('message', frame);
  }
  close(): void {}
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Feeds `frames` one per macrotask, as a data channel delivers them. */
async function feed(link: FakeLink, frames: readonly Uint8Array[]): Promise<void> {
  for (const frame of frames) {
    link.deliver(frame);
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
    {
      const link = new FakeLink();
      const framed = new FramedLink(link as unknown as DataLink);
      const session = new TransferSession(framed);
      const before = cpuMs();
      const { done, bytes } = await receivePath(session, file, crypto);
      await feed(link, file.frames);
      await done;
      engine.push(cpuMs() - before);
      if (bytes().byteLength !== FILE_BYTES) throw new Error('wrong size');
    }
  }
  // The first round pays for compiling; the median of the others is the figure.
  const median = (values: number[]) => {
    const sorted = values.slice(1).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  };
  line(
    `receive path: median ${median(engine).toFixed(0)} ms CPU per file (rounds ${engine.map((v) => v.toFixed(0)).join(', ')}); ` +
      `counting the same frames: median ${median(raw).toFixed(0)} ms (${raw.map((v) => v.toFixed(0)).join(', ')})`,
  );
}

runIfMain(import.meta.url, main);
