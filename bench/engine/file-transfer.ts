/**
 * Encrypted file transfer over a direct link, as a ratio to raw data-channel throughput in the same run.
 * Engine: `sendFile` of a 16 MiB file on one device until the `file` event on the other (encrypt, announce,
 * transfer on the link's transfer channel with its acks and window, receive, decrypt, check the digest), over
 * a direct link opened beforehand, both devices on the Node crypto backend (libsodium secretbox). Raw: the
 * same number of bytes as 16 KiB frames over a bare DataLink pair with the same backpressure limits (256 KiB
 * high-water, 64 KiB low), no framing layer, no encryption, until the last byte arrives.
 *
 * Measured in two layouts, each against its own baseline: both ends in this process (engine and raw alike),
 * and the receiving end in a process of its own (processes/receiver.node.ts: one for the engine, another for
 * the raw receiver, so neither pays for the other's garbage collection), as two devices would be. Rounds
 * alternate raw and engine, so a burst of other load on the machine hits both; the best round of each is
 * reported.
 */
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import wrtc from '@roamhq/wrtc';
import { DataLink, MAX_FRAME_BYTES, type ParleyClient } from '@parley/core';
import { nodeNativeBackend } from '@parley/core/crypto/native';
import { workerSealer } from '@parley/core/crypto/opener/node';
import { runIfMain } from '../relay/lib/main.node.js';
import { heading, line } from '../relay/lib/report.js';
import { startServerProcess } from '../relay/lib/server-process.node.js';
import { next, openDirectLink, pair, startDevice } from './lib/devices.node.js';
import { fileTransferOptions, type ReceiverOpener } from './lib/file-transfer-options.js';
import { report, type EngineRound, type Layout, type Phases } from './lib/file-transfer-report.js';
import { pinSender, pinned } from './lib/pinning.node.js';
import { RemoteReceiver, settleGc } from './lib/remote-receiver.node.js';
import { openRawLinkPair, type RawLinkPair } from './lib/raw-link.node.js';
import { sha256 } from './lib/received-files.node.js';
import { mbPerSecond } from './lib/stats.js';
import { RoundProfiler } from './lib/thread-cpu.node.js';

/** The run's options (BENCH_* and flags), each documented in lib/file-transfer-options.ts. */
const OPTIONS = fileTransferOptions(process.env, process.argv);
const FILE_BYTES = OPTIONS.fileBytes;
const ROUNDS = OPTIONS.rounds;
const TARGET = 0.8;
const REPORTED = { fileBytes: FILE_BYTES, target: TARGET };

const SENDER_SEALER = OPTIONS.sealerInline ? {} : { sealer: workerSealer };
const SENDER_ENCRYPTING = `the sender encrypting ${OPTIONS.sealerInline ? 'on its engine thread' : 'on a worker thread'}`;
const RECEIVER_DECRYPTING: Record<ReceiverOpener, string> = {
  worker: 'on a worker thread',
  inline: 'on its engine thread',
  'inline-shared': 'on its engine thread into shared memory',
};

async function rawRound(links: RawLinkPair, file: Uint8Array): Promise<number> {
  let received = 0;
  const done = new Promise<void>((resolve) => {
    const off = links.b.on('message', (frame) => {
      received += frame.byteLength;
      if (received < file.byteLength) return;
      off();
      resolve();
    });
  });
  const started = performance.now();
  for (let offset = 0; offset < file.byteLength; offset += MAX_FRAME_BYTES) {
    await links.a.send(file.slice(offset, offset + MAX_FRAME_BYTES));
  }
  await done;
  return performance.now() - started;
}

async function engineRound(
  a: ParleyClient,
  b: ParleyClient,
  file: Uint8Array,
  round: number,
): Promise<EngineRound> {
  const name = `bench-${round}.bin`;
  const arrived = next(b, 'file', (event) => event.name === name, 120_000);
  let lastByteAt = Number.NaN;
  let firstByteAt = Number.NaN;
  const offProgress = b.on('file-progress', ({ direction, bytes, total }) => {
    if (direction === 'receive' && Number.isNaN(firstByteAt)) firstByteAt = performance.now();
    if (direction === 'receive' && bytes === total) lastByteAt = performance.now();
  });
  const started = performance.now();
  await a.files.send(a.conversations.direct(b.account), {
    name,
    mimeType: 'application/octet-stream',
    bytes: file,
  });
  const sentAt = performance.now();
  const { bytes } = await arrived;
  const done = performance.now();
  offProgress();
  if (bytes?.byteLength !== file.byteLength) throw new Error('the file arrived with the wrong size');
  return {
    totalMs: done - started,
    encryptMs: sentAt - started,
    transferMs: lastByteAt - sentAt,
    startMs: firstByteAt - sentAt,
    decryptMs: done - lastByteAt,
  };
}

/** A full garbage collection of this process (--settle-gc), without starting Node with --expose-gc. */
function localGc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function oneProcess(relayUrl: string, file: Uint8Array, onFetch: () => void): Promise<Layout> {
  const clients: ParleyClient[] = [];
  let links: RawLinkPair | undefined;
  try {
    const a = await startDevice('file-a', relayUrl, {
      direct: true,
      onFetch,
      backend: nodeNativeBackend,
      ...SENDER_SEALER,
    });
    clients.push(a);
    const b = await startDevice('file-b', relayUrl, {
      direct: true,
      onFetch,
      backend: nodeNativeBackend,
    });
    clients.push(b);
    await pair(a, b);
    await openDirectLink(a, b);
    links = await openRawLinkPair();
    // One small warm-up of each, so neither pays first-use costs in a measured round.
    await rawRound(links, file.subarray(0, 1024 * 1024));
    await engineRound(a, b, file.subarray(0, 1024 * 1024), -1);
    const raw: number[] = [];
    const rounds: EngineRound[] = [];
    let cpu = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      raw.push(mbPerSecond(FILE_BYTES, await rawRound(links, file)));
      const before = cpuMs();
      rounds.push(await engineRound(a, b, file, round));
      cpu += cpuMs() - before;
    }
    const engine = rounds.map((round) => mbPerSecond(FILE_BYTES, round.totalMs));
    return { raw, engine, best: rounds[engine.indexOf(Math.max(...engine))], cpuMs: cpu };
  } finally {
    await links?.close();
    for (const client of clients) await client.close();
  }
}

async function twoProcesses(relayUrl: string, file: Uint8Array, onFetch: () => void): Promise<Layout> {
  const remote = new RemoteReceiver();
  // The raw receiver has a process of its own, as the engine's has: in one process it would share the
  // engine's heap and pay part of the garbage collections the engine's allocations start.
  const shared = OPTIONS.sharedRawReceiver;
  const rawProcess = shared ? remote : new RemoteReceiver();
  let a: ParleyClient | undefined;
  let rawLink: DataLink | undefined;
  try {
    a = await startDevice('file-a2', relayUrl, {
      direct: true,
      onFetch,
      backend: nodeNativeBackend,
      ...SENDER_SEALER,
    });
    const sender = a;
    const started = remote.next('started');
    remote.send({ type: 'start', relayUrl });
    const { account, contactLink } = await started;
    await sender.contacts.add(contactLink);
    const added = remote.next('contact-added');
    remote.send({ type: 'add-contact', contactLink: sender.profile.contactLink() });
    await added;
    const conversation = sender.conversations.direct(account);
    for (let attempt = 0; ; attempt += 1) {
      if (attempt === 20) throw new Error('the direct link did not open');
      const arrived = remote.next('message', ({ text }) => text === `open ${attempt}`);
      await sender.messages.send(conversation, `open ${attempt}`);
      if ((await arrived).via === 'direct') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // The raw pair: this end here, the other in the receiver process, signalled over IPC.
    rawProcess.send({ type: 'raw-open' });
    const link = new DataLink({
      iceServers: [],
      wrtc,
      connectTimeoutMs: 10_000,
      initiator: true,
      linkId: 'raw-bench',
      sendSignal: (data) => rawProcess.send({ type: 'raw-signal', data }),
    });
    rawLink = link;
    rawProcess.on((event) => {
      if (event.type === 'raw-signal') link.receiveSignal(event.data);
    });
    const remoteOpen = rawProcess.next('raw-open');
    await new Promise<void>((resolve, reject) => {
      link.on('open', () => resolve());
      link.on('close', ({ reason }) => reject(new Error(`raw link closed before opening (${reason})`)));
    });
    await remoteOpen;
    // The engine receiver's CPU when its round starts: read just before, or (--shared-raw-receiver) where the
    // raw round before it ended.
    let remoteCpu = 0;
    const receiverCpu = { raw: [] as number[], engine: [] as number[] };
    const phases: Phases[] = [];
    const rawRemote = async (bytes: Uint8Array) => {
      const ready = rawProcess.next('raw-ready');
      rawProcess.send({ type: 'raw-expect', bytes: bytes.byteLength });
      const { cpuMs: startCpu } = await ready;
      const done = rawProcess.next('raw-done');
      const begun = performance.now();
      for (let offset = 0; offset < bytes.byteLength; offset += MAX_FRAME_BYTES)
        await link.send(bytes.slice(offset, offset + MAX_FRAME_BYTES));
      remoteCpu = (await done).cpuMs;
      if (bytes.byteLength === FILE_BYTES) receiverCpu.raw.push(remoteCpu - startCpu);
      return performance.now() - begun;
    };
    // What the receiver must keep, hashed once, outside every round's readings.
    const warmUp = file.subarray(0, 1024 * 1024);
    const sums = new Map([warmUp, file].map((bytes) => [bytes, sha256(bytes)]));
    const engineRemote = async (bytes: Uint8Array, round: number): Promise<EngineRound> => {
      const name = `bench2-${round}.bin`;
      if (!shared) {
        const reading = remote.next('cpu');
        remote.send({ type: 'cpu' });
        remoteCpu = (await reading).cpuMs;
      }
      const arrived = remote.next('file', (event) => event.name === name);
      const kept = remote.next('file-kept', (event) => event.name === name);
      const epoch = performance.timeOrigin;
      const begun = performance.now();
      await sender.files.send(conversation, { name, mimeType: 'application/octet-stream', bytes });
      const sentAt = performance.now();
      const { cpuMs: endCpu, firstByteAt, lastByteAt, fileAt } = await arrived;
      const done = performance.now();
      const held = await kept;
      if (held.size !== bytes.byteLength || held.sha256 !== sums.get(bytes))
        throw new Error(`the receiver kept ${held.size} bytes that differ from the ${bytes.byteLength} sent`);
      if (bytes.byteLength === FILE_BYTES) {
        receiverCpu.engine.push(endCpu - remoteCpu);
        phases.push({
          start: firstByteAt - epoch - begun,
          bytes: lastByteAt - firstByteAt,
          end: fileAt - lastByteAt,
          back: done - (fileAt - epoch),
        });
      }
      return {
        totalMs: done - begun,
        encryptMs: sentAt - begun,
        transferMs: lastByteAt - epoch - sentAt,
        startMs: firstByteAt - epoch - sentAt,
        decryptMs: fileAt - lastByteAt,
      };
    };
    await rawRemote(warmUp);
    await engineRemote(warmUp, -1);
    const raw: number[] = [];
    const rounds: EngineRound[] = [];
    let cpu = 0;
    let rawCpu = 0;
    const profiler = new RoundProfiler({ dir: OPTIONS.senderRoundsDir, threads: OPTIONS.senderThreads });
    const settle = async () => {
      if (!settleGc()) return;
      const settled = [remote, rawProcess].map(async (child) => {
        const done = child.next('settled');
        child.send({ type: 'settle' });
        await done;
      });
      localGc();
      await Promise.all(settled);
    };
    for (let round = 0; round < ROUNDS; round += 1) {
      await settle();
      await profiler.start();
      if (OPTIONS.markRounds) console.log(`@@RAW ${round}`);
      const rawBefore = cpuMs();
      raw.push(mbPerSecond(FILE_BYTES, await rawRemote(file)));
      rawCpu += cpuMs() - rawBefore;
      await profiler.stop(`sender threads, raw round ${round}`, 'raw');
      await settle();
      await profiler.start();
      if (OPTIONS.markRounds) console.log(`@@ENGINE ${round}`);
      const before = cpuMs();
      rounds.push(await engineRemote(file, round));
      if (OPTIONS.markRounds) console.log(`@@ENGINE-END ${round}`);
      cpu += cpuMs() - before;
      await profiler.stop(`sender threads, engine round ${round}`, 'engine');
    }
    const engine = rounds.map((round) => mbPerSecond(FILE_BYTES, round.totalMs));
    return {
      raw,
      engine,
      best: rounds[engine.indexOf(Math.max(...engine))],
      cpuMs: cpu,
      rawCpuMs: rawCpu,
      receiverCpu,
      phases,
    };
  } finally {
    rawLink?.close();
    await remote.stop();
    if (rawProcess !== remote) await rawProcess.stop();
    await a?.close();
  }
}

async function main(): Promise<void> {
  heading(
    `File over a direct link on loopback: ${FILE_BYTES / 1024 / 1024} MiB, ${ROUNDS} rounds each, best of each ` +
      '(engine: sendFile → file event, encrypted; raw: bare data channel, unencrypted)',
  );
  pinSender();
  const relay = await startServerProcess('relay.node.ts');
  try {
    let relayFetches = 0;
    const onFetch = () => {
      relayFetches += 1;
    };
    const file = new Uint8Array(randomBytes(FILE_BYTES));
    if (OPTIONS.layouts.includes('one'))
      report(
        `both devices in this process, ${SENDER_ENCRYPTING}`,
        await oneProcess(relay.url, file, onFetch),
        REPORTED,
      );
    if (OPTIONS.layouts.includes('two'))
      report(
        `receiver in its own process, keeping the file ${OPTIONS.receiverSink === 'disk' ? 'on disk' : 'in memory'}, decrypting ${RECEIVER_DECRYPTING[OPTIONS.receiverOpener]}, ${SENDER_ENCRYPTING}${pinned() ? ', sender on CPU 0 and receivers on CPU 1' : ''}${settleGc() ? ', every process collecting its garbage between rounds' : ''}`,
        await twoProcesses(relay.url, file, onFetch),
        REPORTED,
      );
    if (relayFetches > 0) line(`warning: ${relayFetches} requests went to the relay's attachment API`);
  } finally {
    await relay.stop();
  }
}

runIfMain(import.meta.url, main);
