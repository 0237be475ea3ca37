/**
 * Auth handshakes per second on one relay process (connect, challenge, Ed25519 signature, verify, admit,
 * ack), as a ratio to raw native Ed25519 verifies per second on one core measured in the same run: the
 * verify is the one piece of cryptography on the relay's side of the handshake, so the ratio says how much
 * of a core the rest of the handshake costs.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { authChallengeMessage } from '@parley/core';
import { makeIdentities } from './lib/identities.node.js';
import { closeAll, connectAuthenticated, pooled } from './lib/lean-client.node.js';
import { LIMITS_NOTE } from './lib/bench-limits.js';
import { cpuShares, perSecond, startCpuWindow } from './lib/cpu-window.node.js';
import { runIfMain } from './lib/main.node.js';
import { count, heading, line, ratio } from './lib/report.js';
import { startServerProcess } from './lib/server-process.node.js';

const WARMUP_HANDSHAKES = 300;
const HANDSHAKES = 3_000;
const CONCURRENCY = 64;
const VERIFY_MS = 1_500;

interface Signed {
  key: KeyObject;
  spki: Buffer;
  message: Uint8Array;
  signature: Buffer;
}

function signedSamples(count: number): Signed[] {
  return Array.from({ length: count }, () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    const message = authChallengeMessage(
      new Uint8Array(randomBytes(32)),
      new Uint8Array(spki.subarray(12)),
      new Uint8Array(randomBytes(32)),
      'relay.example.org',
    );
    return { key: publicKey, spki, message, signature: sign(null, message, privateKey) };
  });
}

/**
 * Verifies per CPU-second on this thread (CPU time, so other work on the machine does not lower it);
 * `importKey` also parses the public key each time, as the relay does for an identity it has not seen.
 */
function verifiesPerCpuSecond(samples: Signed[], importKey: boolean): number {
  let done = 0;
  const start = process.cpuUsage();
  let elapsedMs = 0;
  while (elapsedMs < VERIFY_MS) {
    for (let i = 0; i < 256; i += 1) {
      const sample = samples[done % samples.length] as Signed;
      const key = importKey ? createPublicKey({ key: sample.spki, format: 'der', type: 'spki' }) : sample.key;
      if (!verify(null, sample.message, key, sample.signature))
        throw new Error('bench signature did not verify');
      done += 1;
    }
    const used = process.cpuUsage(start);
    elapsedMs = (used.user + used.system) / 1000;
  }
  return perSecond(done, elapsedMs);
}

export async function main(): Promise<void> {
  heading(
    `Auth: ${count(HANDSHAKES)} fresh identities, ${CONCURRENCY} handshakes in flight, after ${WARMUP_HANDSHAKES} warm-up; ` +
      'relay in a child process, clients (native Ed25519 signing) in the bench process',
  );
  const samples = signedSamples(256);
  const rawVerifies = verifiesPerCpuSecond(samples, false);
  const importVerifies = verifiesPerCpuSecond(samples, true);

  const relay = await startServerProcess('relay.node.ts');
  try {
    const warm = await pooled(makeIdentities(WARMUP_HANDSHAKES), CONCURRENCY, (id) =>
      connectAuthenticated(relay.url, id),
    );
    closeAll(warm);
    const identities = makeIdentities(HANDSHAKES);
    const stop = startCpuWindow(relay);
    const sockets = await pooled(identities, CONCURRENCY, (id) => connectAuthenticated(relay.url, id));
    const window = stop();
    closeAll(sockets);

    const wall = perSecond(HANDSHAKES, window.wallMs);
    const perCpu = perSecond(HANDSHAKES, window.serverCpuMs);
    line(
      `auth handshakes: ${count(wall)} /s = ${ratio(wall, rawVerifies)} raw native Ed25519 verifies ` +
        `(${count(wall)} / ${count(rawVerifies)} verifies/s on one core)`,
    );
    line(
      `per relay CPU-second: ${count(perCpu)} handshakes = ${ratio(perCpu, rawVerifies)} raw native Ed25519 verifies ` +
        `(${cpuShares(window)})`,
    );
    line(`verify including public-key import (a new identity): ${count(importVerifies)} /s`);
    line(LIMITS_NOTE);
  } finally {
    await relay.stop();
  }
}

runIfMain(import.meta.url, main);
