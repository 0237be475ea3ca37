/**
 * The receiving device of bench/engine/file-transfer.ts in a process of its own (lib/remote-receiver.node.ts
 * starts it), so each end of a transfer, and each end of the raw baseline, has its own JavaScript thread,
 * as two devices would. It speaks a small IPC protocol with the parent, see RemoteRequest/RemoteEvent.
 */
import wrtc from '@roamhq/wrtc';
import { DataLink, sharedMemorySinkFactory, type ParleyClient } from '@parley/core';
import { nodeNativeBackend } from '@parley/core/crypto/native';
import { workerOpener } from '@parley/core/crypto/opener/node';
import { startDevice, until } from '../lib/devices.node.js';
import type { RemoteEvent, RemoteRequest } from '../lib/remote-receiver.node.js';
import { receiverSink } from '../lib/file-transfer-options.js';
import { ReceivedFiles } from '../lib/received-files.node.js';
import { RoundProfiler, threadCpu, threadDelta } from '../lib/thread-cpu.node.js';

const send = (event: RemoteEvent) => process.send?.(event);
/** Milliseconds on a clock every process of the bench reads alike (epoch, sub-millisecond). */
const now = () => performance.timeOrigin + performance.now();
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/**
 * BENCH_RECEIVER_ROUNDS=<dir>: a CPU profile of each full-size engine round alone, and each round's CPU per
 * thread; BENCH_RECEIVER_THREADS=1: each round's CPU per thread, without a profile.
 */
const profiler = new RoundProfiler({
  dir: process.env.BENCH_RECEIVER_ROUNDS,
  threads: process.env.BENCH_RECEIVER_THREADS !== undefined,
});
let rawThreads: Map<string, number> | undefined;
const startRound = () => profiler.start();
const endRound = (name: string) => profiler.stop(`receiver threads, engine round ${name}`);

/** BENCH_RECEIVER_SINK: on disk by default, as the apps keep files, or `memory` (lib/received-files.node.ts). */
const files = new ReceivedFiles(receiverSink(process.env));
process.on('exit', () => files.close());

let client: ParleyClient | undefined;
let raw: DataLink | undefined;
let rawExpected = 0;
let rawReceived = 0;

async function handle(request: RemoteRequest): Promise<void> {
  switch (request.type) {
    case 'start': {
      client = await startDevice('file-b', request.relayUrl, {
        direct: true,
        backend: nodeNativeBackend,
        // BENCH_RECEIVER_OPENER=inline: decrypt on the engine's thread, as before the worker; inline-shared:
        // the same into an in-memory sink of shared memory (the worker's default sink, without the worker).
        ...(process.env.BENCH_RECEIVER_OPENER?.startsWith('inline') === true ? {} : { opener: workerOpener }),
        ...(process.env.BENCH_RECEIVER_OPENER === 'inline-shared'
          ? { fileSink: sharedMemorySinkFactory }
          : files.sink === undefined
            ? {}
            : { fileSink: files.sink }),
      });
      const started = client;
      await until(() => started.connected, 'the receiver to connect');
      started.on('message', ({ message, via }) => send({ type: 'message', text: message.text, via }));
      // When the round's first and last bytes were in the sink, on the clock both processes share.
      let firstByteAt = Number.NaN;
      let lastByteAt = Number.NaN;
      started.on('file-progress', ({ direction, bytes, total }) => {
        if (direction !== 'receive') return;
        if (Number.isNaN(firstByteAt)) firstByteAt = now();
        if (bytes === total) lastByteAt = now();
      });
      started.on('file', ({ name, size, bytes }) => {
        const cpu = cpuMs();
        const at = { firstByteAt, lastByteAt, fileAt: now() };
        firstByteAt = lastByteAt = Number.NaN;
        void endRound(name).then(() => {
          send({ type: 'file', name, size, cpuMs: cpu, ...at });
          // Then what was kept, read back outside the round's figures.
          send({ type: 'file-kept', name, ...files.take(bytes) });
        });
      });
      send({ type: 'started', account: started.account, contactLink: started.profile.contactLink() });
      return;
    }
    case 'add-contact':
      await client?.contacts.add(request.contactLink);
      send({ type: 'contact-added' });
      return;
    case 'raw-open':
      raw = new DataLink({
        iceServers: [],
        wrtc,
        connectTimeoutMs: 10_000,
        initiator: false,
        linkId: 'raw-bench',
        sendSignal: (data) => send({ type: 'raw-signal', data }),
      });
      raw.on('open', () => send({ type: 'raw-open' }));
      raw.on('message', (frame) => {
        rawReceived += frame.byteLength;
        if (rawExpected > 0 && rawReceived >= rawExpected) {
          const full = rawExpected > 1024 * 1024;
          rawExpected = 0;
          const cpu = cpuMs();
          if (rawThreads !== undefined && full)
            console.error(`receiver threads, raw round: ${threadDelta(rawThreads)}`);
          void (full && client !== undefined ? startRound() : Promise.resolve()).then(() =>
            send({ type: 'raw-done', cpuMs: cpu }),
          );
        }
      });
      return;
    case 'raw-signal':
      raw?.receiveSignal(request.data);
      return;
    case 'raw-expect':
      rawReceived = 0;
      rawExpected = request.bytes;
      if (profiler.enabled) rawThreads = threadCpu();
      send({ type: 'raw-ready', cpuMs: cpuMs() });
      return;
    case 'settle':
      (globalThis as { gc?: () => void }).gc?.();
      send({ type: 'settled' });
      return;
    case 'cpu': {
      // Read before the round's own accounting starts, so the profiler's start is not billed to it.
      const cpu = cpuMs();
      await startRound();
      send({ type: 'cpu', cpuMs: cpu });
      return;
    }
    case 'stop':
      raw?.close();
      await client?.close();
      // Exit by itself once the parent heard it, so a --cpu-prof profile (BENCH_RECEIVER_PROFILE) is written.
      process.send?.({ type: 'stopped' } satisfies RemoteEvent, () => process.exit(0));
      return;
  }
}

process.on('message', (request: RemoteRequest) => {
  handle(request).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
