import nacl from 'tweetnacl';
import {
  AttachmentDecryptor,
  AttachmentEncryptor,
  type AttachmentDescriptor,
} from '../../core/src/crypto/attachment/index.js';
import { nodeNativeBackend } from '../../core/src/crypto/backend/native.node.js';
import { tweetnaclBackend } from '../../core/src/crypto/backend/tweetnacl.js';
import type { CryptoBackend } from '../../core/src/crypto/backend/backend.js';
import { fixed, heading, isMain, line } from './lib.node.js';

const CHUNK = 64 * 1024;
const FILE_BYTES = 4 * 1024 * 1024;
const ROUNDS = 15;
const file = nacl.randomBytes(FILE_BYTES);
const pieces = Array.from({ length: FILE_BYTES / CHUNK }, (_, i) =>
  file.subarray(i * CHUNK, (i + 1) * CHUNK),
);

/** The baseline: raw nacl.secretbox over the same 64 KiB pieces, nothing else. */
function rawSecretbox(): void {
  const key = nacl.randomBytes(32);
  const nonce = nacl.randomBytes(24);
  for (const piece of pieces) {
    nonce[0] = (nonce[0] ?? 0) + 1;
    nacl.secretbox(piece, nonce, key);
  }
}

function encryptFile(backend: CryptoBackend): { blob: Uint8Array[]; descriptor: AttachmentDescriptor } {
  const encryptor = new AttachmentEncryptor({ backend });
  const blob = [encryptor.header];
  for (const piece of pieces) blob.push(...encryptor.push(piece));
  const last = encryptor.finish();
  blob.push(last.chunk);
  return { blob, descriptor: last.descriptor };
}

/**
 * CPU time (user + system) of one run in ms. The work is synchronous and single-threaded, so CPU time is
 * its cost without the other processes that share this machine; wall time swung ±30 % between runs.
 */
function time(task: () => void): number {
  const start = process.cpuUsage();
  task();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const mbps = (ms: number) => FILE_BYTES / 1e6 / (ms / 1000);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/**
 * Baseline and candidate run back to back in each round and the ratio is taken per round, then the median
 * over rounds: on a shared machine the load drifts, and pairing cancels most of that drift.
 */
function paired(candidate: () => void): { ratio: number; candidateMbps: number; rawMbps: number } {
  const ratios: number[] = [];
  const candidateTimes: number[] = [];
  const rawTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const raw = time(rawSecretbox);
    const ours = time(candidate);
    ratios.push(raw / ours);
    rawTimes.push(raw);
    candidateTimes.push(ours);
  }
  return {
    ratio: median(ratios),
    candidateMbps: mbps(median(candidateTimes)),
    rawMbps: mbps(median(rawTimes)),
  };
}

export async function runAttachmentBench(): Promise<void> {
  heading(
    `Attachments (${FILE_BYTES / 1024 / 1024} MiB file, 64 KiB chunks, median of ${ROUNDS} paired rounds, MB per CPU second)`,
  );
  rawSecretbox();
  encryptFile(tweetnaclBackend); // warm-up
  for (const backend of [tweetnaclBackend, nodeNativeBackend]) {
    const encrypt = paired(() => encryptFile(backend));
    const { blob, descriptor } = encryptFile(backend);
    const decrypt = paired(() => {
      const decryptor = new AttachmentDecryptor(descriptor, { backend });
      for (const part of blob) decryptor.push(part);
      decryptor.finish();
    });
    line(
      `attachment encrypt [${backend.name}]: ${fixed(encrypt.candidateMbps, 1)} MB/s = ${fixed(encrypt.ratio)}× raw nacl.secretbox (${fixed(encrypt.rawMbps, 1)} MB/s; target ≥ 0.9)`,
    );
    line(
      `attachment decrypt [${backend.name}]: ${fixed(decrypt.candidateMbps, 1)} MB/s = ${fixed(decrypt.ratio)}× raw nacl.secretbox`,
    );
  }
  line(
    '(node-native has no XSalsa20-Poly1305, so its secretbox is tweetnacl: no faster attachment backend exists in Node)',
  );
}

if (isMain(import.meta.url)) await runAttachmentBench();
