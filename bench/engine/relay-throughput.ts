/**
 * Messages per second one client sends to another through the relay with encryption on: devices without
 * WebRTC, so every message is sealed, deposited, pushed, decrypted, stored and acked through the relay.
 * The sender calls `sendText` back to back (each resolves once on disk; the outbox sends behind it); the
 * clock stops when the recipient's `message` event has fired for every one. Baselines in the same run: the
 * same number of raw `blob:deposit`s of the envelope's size between two bare authenticated sockets, the
 * recipient acking each blob, with one deposit in flight and with 16. Runs with the native (OpenSSL) crypto
 * backend and with tweetnacl (the engine's default); `--backend=native` or `--backend=tweetnacl` runs one.
 */
import { randomBytes } from 'node:crypto';
import type { ParleyClient } from '@parley/core';
import { LIMITS_NOTE } from '../relay/lib/bench-limits.js';
import { makeIdentities } from '../relay/lib/identities.node.js';
import { closeAll, connectAuthenticated, pooled } from '../relay/lib/lean-client.node.js';
import { runIfMain } from '../relay/lib/main.node.js';
import { count, heading, line, ratio } from '../relay/lib/report.js';
import { startServerProcess, type ServerProcess } from '../relay/lib/server-process.node.js';
import { pair, selectedBackends, startDevice, until } from './lib/devices.node.js';

const MESSAGES = 500;
const WARM_UP = 50;
const TIMEOUT_MS = 60_000;

interface Rate {
  readonly perSecond: number;
  readonly elapsedMs: number;
  readonly serverCpu: number;
  readonly clientCpu: number;
}

/** Runs `work`, returning its rate and the CPU share (of one core) the relay and this process used meanwhile. */
async function measure(relay: ServerProcess, messages: number, work: () => Promise<void>): Promise<Rate> {
  const serverBefore = relay.cpuMs();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const elapsedMs = performance.now() - started;
  const client = process.cpuUsage(clientBefore);
  return {
    perSecond: messages / (elapsedMs / 1000),
    elapsedMs,
    serverCpu: (relay.cpuMs() - serverBefore) / elapsedMs,
    clientCpu: (client.user + client.system) / 1000 / elapsedMs,
  };
}

async function engineRate(relay: ServerProcess, a: ParleyClient, b: ParleyClient): Promise<Rate> {
  const conversation = a.conversations.direct(b.account);
  let received = 0;
  const off = b.on('message', () => {
    received += 1;
  });
  try {
    for (let i = 0; i < WARM_UP; i += 1) await a.messages.send(conversation, `warm-up ${i}`);
    await until(() => received >= WARM_UP, 'warm-up messages', TIMEOUT_MS);
    received = 0;
    return await measure(relay, MESSAGES, async () => {
      for (let i = 0; i < MESSAGES; i += 1) await a.messages.send(conversation, `message ${i}`);
      await until(() => received >= MESSAGES, 'every message to arrive', TIMEOUT_MS);
    });
  } finally {
    off();
  }
}

async function rawRate(relay: ServerProcess, payloadBytes: number, inFlight: number): Promise<Rate> {
  const [senderId, receiverId] = makeIdentities(2);
  if (senderId === undefined || receiverId === undefined) throw new Error('no identities');
  let received = 0;
  const receiver = await connectAuthenticated(relay.url, receiverId, (socket) =>
    socket.on('blob', (blob) => {
      received += 1;
      socket.emit('blob:ack', { ids: [blob.id] }, () => undefined);
    }),
  );
  const sender = await connectAuthenticated(relay.url, senderId);
  const payload = randomBytes(payloadBytes);
  const deposit = () =>
    sender.timeout(10_000).emitWithAck('blob:deposit', { recipients: [receiverId.id], payload });
  try {
    await pooled(Array.from({ length: WARM_UP }), inFlight, deposit);
    await until(() => received >= WARM_UP, 'raw warm-up blobs', TIMEOUT_MS);
    received = 0;
    return await measure(relay, MESSAGES, async () => {
      await pooled(Array.from({ length: MESSAGES }), inFlight, deposit);
      await until(() => received >= MESSAGES, 'every raw blob to arrive', TIMEOUT_MS);
    });
  } finally {
    closeAll([sender, receiver]);
  }
}

function cpu(rate: Rate): string {
  return `relay ${Math.round(rate.serverCpu * 100)}% of a core, clients ${Math.round(rate.clientCpu * 100)}%`;
}

/**
 * CPU time of this process (both clients) per message: unlike msg/s it hardly depends on what else the
 * machine runs, so it compares runs taken under different loads.
 */
function cpuPerMessage(rate: Rate): string {
  return `${((rate.clientCpu * rate.elapsedMs) / MESSAGES).toFixed(2)} ms client CPU per message`;
}

async function main(): Promise<void> {
  heading(
    `Messages through the relay, encrypted: ${count(MESSAGES)} short texts from one client to another ` +
      `(${LIMITS_NOTE}; relay in its own process, both clients in this one)`,
  );
  const relay = await startServerProcess('relay.node.ts');
  const clients: ParleyClient[] = [];
  try {
    const deposits: number[] = [];
    const engine = new Map<string, Rate>();
    for (const backend of selectedBackends()) {
      const a = await startDevice(`a-${backend.name}`, relay.url, {
        direct: false,
        backend,
        onDeposit: (bytes) => deposits.push(bytes),
      });
      clients.push(a);
      const b = await startDevice(`b-${backend.name}`, relay.url, { direct: false, backend });
      clients.push(b);
      await pair(a, b);
      engine.set(backend.name, await engineRate(relay, a, b));
      // Closed before the next measurement, so the receipts the recipient still has to send do not load it.
      for (const client of clients.splice(0)) await client.close();
    }
    // A single short text's envelope (the smallest deposit; batches of several texts are larger).
    const envelopeBytes = deposits.length === 0 ? 512 : Math.min(...deposits);
    const raw1 = await rawRate(relay, envelopeBytes, 1);
    const raw16 = await rawRate(relay, envelopeBytes, 16);
    for (const [name, rate] of engine) {
      line(
        `through relay (${name} crypto): ${count(rate.perSecond)} msg/s sent and received, encrypted ` +
          `= ${ratio(rate.perSecond, raw1.perSecond)} raw deposits one at a time, ` +
          `${ratio(rate.perSecond, raw16.perSecond)} raw deposits 16 in flight; ${cpu(rate)}; ` +
          cpuPerMessage(rate),
      );
    }
    line(`raw deposits one at a time: ${count(raw1.perSecond)}/s; ${cpu(raw1)}`);
    line(`raw deposits, 16 in flight: ${count(raw16.perSecond)}/s; ${cpu(raw16)}`);
    line(`(envelope of a short text: ${envelopeBytes} bytes; the raw deposits carry that many)`);
  } finally {
    for (const client of clients) await client.close();
    await relay.stop();
  }
}

runIfMain(import.meta.url, main);
