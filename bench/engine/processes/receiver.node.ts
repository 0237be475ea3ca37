/**
 * The receiving device of bench/engine/file-transfer.ts in a process of its own (lib/remote-receiver.node.ts
 * starts it), so each end of a transfer, and each end of the raw baseline, has its own JavaScript thread,
 * as two devices would. It speaks a small IPC protocol with the parent, see RemoteRequest/RemoteEvent.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import wrtc from '@roamhq/wrtc';
import { DataLink, type ParleyClient } from '@parley/core';
import { nodeNativeBackend } from '@parley/core/crypto/native';
import { workerOpener } from '@parley/core/crypto/opener/node';
import { startDevice, until } from '../lib/devices.node.js';
import type { RemoteEvent, RemoteRequest } from '../lib/remote-receiver.node.js';

const send = (event: RemoteEvent) => process.send?.(event);
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/**
 * CPU time (ms, in 10 ms ticks) of this process's threads by name: where the receiver's CPU goes. `main` is
 * the JavaScript thread; `node` are V8's helpers (concurrent marking, sweeping, optimising compiles);
 * `PeerConnectionF…` is libwebrtc's network thread (SCTP, DTLS, sockets).
 */
function threadCpu(): Map<string, number> {
  const tick = 10; // USER_HZ on Linux
  const byName = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name =
        Number(tid) === process.pid
          ? 'main'
          : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[0-9]+$/, '#');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * tick;
      byName.set(name, (byName.get(name) ?? 0) + ms);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return byName;
}

function threadDelta(before: Map<string, number>): string {
  const after = threadCpu();
  return [...after]
    .map(([name, ms]) => [name, ms - (before.get(name) ?? 0)] as const)
    .filter(([, ms]) => ms > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${ms}`)
    .join(', ');
}

/** BENCH_RECEIVER_ROUNDS=<dir>: a CPU profile of each full-size engine round alone, and each round's CPU per thread. */
const roundsDir = process.env.BENCH_RECEIVER_ROUNDS;
const inspector = roundsDir === undefined ? undefined : new Session();
/** BENCH_RECEIVER_THREADS=1: each round's CPU per thread, without a profile. */
const threads = inspector !== undefined || process.env.BENCH_RECEIVER_THREADS !== undefined;
let roundThreads: Map<string, number> | undefined;
let rawThreads: Map<string, number> | undefined;
let profiledRound = 0;
async function startRound(): Promise<void> {
  if (threads) roundThreads = threadCpu();
  if (inspector === undefined) return;
  await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
  await inspector.post('Profiler.start');
}
async function endRound(name: string): Promise<void> {
  if (roundThreads === undefined) return;
  console.error(`receiver threads, engine round ${name}: ${threadDelta(roundThreads)}`);
  roundThreads = undefined;
  if (inspector === undefined) return;
  const { profile } = await inspector.post('Profiler.stop');
  profiledRound += 1;
  writeFileSync(`${roundsDir}/round-${profiledRound}.cpuprofile`, JSON.stringify(profile));
}
if (inspector !== undefined) {
  inspector.connect();
  await inspector.post('Profiler.enable');
}

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
        // BENCH_RECEIVER_OPENER=inline: decrypt on the engine's thread, as before the worker.
        ...(process.env.BENCH_RECEIVER_OPENER === 'inline' ? {} : { opener: workerOpener }),
      });
      const started = client;
      await until(() => started.connected, 'the receiver to connect');
      started.on('message', ({ message, via }) => send({ type: 'message', text: message.text, via }));
      started.on('file', ({ name, size, bytes }) => {
        const cpu = cpuMs();
        void endRound(name).then(() =>
          send({ type: 'file', name, size, received: bytes?.byteLength ?? -1, cpuMs: cpu }),
        );
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
      if (threads) rawThreads = threadCpu();
      send({ type: 'raw-ready', cpuMs: cpuMs() });
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
