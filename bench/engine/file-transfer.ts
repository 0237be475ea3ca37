/**
 * Encrypted file transfer over a direct link, as a ratio to raw data-channel throughput in the same run.
 * Engine: `sendFile` of a 16 MiB file on one device until the `file` event on the other (encrypt, announce,
 * transfer on the link's transfer channel with its acks and window, receive, decrypt, check the digest), over
 * a direct link opened beforehand. Raw: the same number of bytes as 16 KiB frames over a bare DataLink pair
 * with the same backpressure limits (256 KiB high-water, 64 KiB low), no framing layer, no encryption, until
 * the last byte arrives. Both ends of both run in this process. Rounds alternate raw and engine, so a burst of
 * other load on the machine hits both; the best round of each is reported.
 */
import { randomBytes } from 'node:crypto';
import { MAX_FRAME_BYTES, type ParleyClient } from '@parley/core';
import { nodeNativeBackend } from '@parley/core/crypto/native';
import { runIfMain } from '../relay/lib/main.node.js';
import { heading, line, ratio } from '../relay/lib/report.js';
import { startServerProcess } from '../relay/lib/server-process.node.js';
import { next, openDirectLink, pair, startDevice } from './lib/devices.node.js';
import { openRawLinkPair, type RawLinkPair } from './lib/raw-link.node.js';
import { mbPerSecond } from './lib/stats.js';

const FILE_BYTES = 16 * 1024 * 1024;
const ROUNDS = 4;
const TARGET = 0.8;

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

interface EngineRound {
  readonly totalMs: number;
  /** sendFile until it resolves: the digest pass over the file and queueing the message announcing it. */
  readonly encryptMs: number;
  /** Until the receiver's progress reaches the last byte. */
  readonly transferMs: number;
  /** From the last byte to the `file` event: the last chunk and the digest check (chunks decrypt as they come). */
  readonly decryptMs: number;
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
  const offProgress = b.on('file-progress', ({ direction, bytes, total }) => {
    if (direction === 'receive' && bytes === total) lastByteAt = performance.now();
  });
  const started = performance.now();
  await a.sendFile(a.directConversation(b.account), {
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
    decryptMs: done - lastByteAt,
  };
}

async function main(): Promise<void> {
  heading(
    `File over a direct link on loopback: ${FILE_BYTES / 1024 / 1024} MiB, ${ROUNDS} rounds each, best of each ` +
      '(engine: sendFile → file event, encrypted; raw: bare data channel, unencrypted)',
  );
  const relay = await startServerProcess('relay.node.ts');
  const clients: ParleyClient[] = [];
  let links: RawLinkPair | undefined;
  try {
    let relayFetches = 0;
    const onFetch = () => {
      relayFetches += 1;
    };
    const a = await startDevice('file-a', relay.url, {
      direct: true,
      onFetch,
      cryptoBackend: nodeNativeBackend,
    });
    clients.push(a);
    const b = await startDevice('file-b', relay.url, {
      direct: true,
      onFetch,
      cryptoBackend: nodeNativeBackend,
    });
    clients.push(b);
    await pair(a, b);
    await openDirectLink(a, b);
    links = await openRawLinkPair();
    const file = new Uint8Array(randomBytes(FILE_BYTES));
    // One small warm-up of each, so neither pays first-use costs in a measured round.
    await rawRound(links, file.subarray(0, 1024 * 1024));
    await engineRound(a, b, file.subarray(0, 1024 * 1024), -1);
    const raw: number[] = [];
    const rounds: EngineRound[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      raw.push(mbPerSecond(FILE_BYTES, await rawRound(links, file)));
      rounds.push(await engineRound(a, b, file, round));
    }
    const engine = rounds.map((round) => mbPerSecond(FILE_BYTES, round.totalMs));
    const bestRaw = Math.max(...raw);
    const bestEngine = Math.max(...engine);
    const best = rounds[engine.indexOf(bestEngine)];
    line(
      `file over direct link: ${bestEngine.toFixed(1)} MB/s = ${ratio(bestEngine, bestRaw)} raw data channel ` +
        `(${bestRaw.toFixed(1)} MB/s; target ≥ ${TARGET})`,
    );
    line(
      `rounds: engine ${engine.map((v) => v.toFixed(1)).join(', ')} MB/s; ` +
        `raw ${raw.map((v) => v.toFixed(1)).join(', ')} MB/s (MB = 10^6 bytes of the file)`,
    );
    if (best !== undefined) {
      line(
        `best engine round: encrypt + announce ${Math.round(best.encryptMs)} ms, transfer ` +
          `${Math.round(best.transferMs)} ms (${mbPerSecond(FILE_BYTES, best.transferMs).toFixed(1)} MB/s on the ` +
          `link), decrypt + check ${Math.round(best.decryptMs)} ms`,
      );
    }
    if (relayFetches > 0) line(`warning: ${relayFetches} requests went to the relay's attachment API`);
  } finally {
    await links?.close();
    for (const client of clients) await client.close();
    await relay.stop();
  }
}

runIfMain(import.meta.url, main);
