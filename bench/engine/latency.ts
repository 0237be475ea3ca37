/**
 * One-way latency of a text message, over a direct link and over the relay, on loopback: from `sendText` on
 * one device to the `message` event on the other (both in this process, so one clock). Messages go one at a
 * time, the next once the previous arrived. Each route is compared with the same trip without the engine:
 * a bare DataLink frame of the envelope's size for the direct link, and a raw `blob:deposit` of the same
 * bytes, pushed to an online recipient who acks it, for the relay. Runs with the native (OpenSSL) crypto
 * backend and with tweetnacl (the engine's default); `--backend=native` or `--backend=tweetnacl` runs one.
 */
import { randomBytes } from 'node:crypto';
import type { ParleyClient } from '@parley/core';
import { LIMITS_NOTE } from '../relay/lib/bench-limits.js';
import { makeIdentities } from '../relay/lib/identities.node.js';
import { closeAll, connectAuthenticated } from '../relay/lib/lean-client.node.js';
import { runIfMain } from '../relay/lib/main.node.js';
import { heading, line, ratio } from '../relay/lib/report.js';
import { startServerProcess } from '../relay/lib/server-process.node.js';
import { next, openDirectLink, pair, selectedBackends, startDevice } from './lib/devices.node.js';
import { openRawLinkPair } from './lib/raw-link.node.js';
import { ms, summarize, type LatencySummary } from './lib/stats.js';

const WARM_UP = 20;
const RELAY_SAMPLES = 300;
const DIRECT_SAMPLES = 300;

interface Measured {
  readonly summary: LatencySummary;
  /** Messages that arrived by the other route. */
  readonly offRoute: number;
  /** CPU time of this process (both devices) per message: hardly depends on the machine's other load. */
  readonly cpuMsPerMessage: number;
}

async function engineLatency(
  a: ParleyClient,
  b: ParleyClient,
  samples: number,
  route: 'direct' | 'relay',
): Promise<Measured> {
  const conversation = a.conversations.direct(b.account);
  const times: number[] = [];
  let offRoute = 0;
  let cpuStart = process.cpuUsage();
  for (let i = 0; i < WARM_UP + samples; i += 1) {
    if (i === WARM_UP) cpuStart = process.cpuUsage();
    const text = `latency ${i}`;
    const arrived = next(b, 'message', ({ message }) => message.text === text);
    const started = performance.now();
    await a.messages.send(conversation, text);
    const { via } = await arrived;
    const elapsed = performance.now() - started;
    if (i < WARM_UP) continue;
    times.push(elapsed);
    if (via !== route) offRoute += 1;
  }
  const cpu = process.cpuUsage(cpuStart);
  return { summary: summarize(times), offRoute, cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / samples };
}

async function rawRelayLatency(url: string, payloadBytes: number, samples: number): Promise<LatencySummary> {
  const [senderId, receiverId] = makeIdentities(2);
  if (senderId === undefined || receiverId === undefined) throw new Error('no identities');
  let onBlob: (() => void) | undefined;
  const receiver = await connectAuthenticated(url, receiverId, (socket) =>
    socket.on('blob', (blob) => {
      onBlob?.();
      socket.emit('blob:ack', { ids: [blob.id] }, () => undefined);
    }),
  );
  const sender = await connectAuthenticated(url, senderId);
  const payload = randomBytes(payloadBytes);
  const times: number[] = [];
  try {
    for (let i = 0; i < WARM_UP + samples; i += 1) {
      const arrived = new Promise<void>((resolve) => (onBlob = resolve));
      const started = performance.now();
      const deposited = sender.timeout(10_000).emitWithAck('blob:deposit', {
        recipients: [receiverId.id],
        payload,
      });
      await arrived;
      const elapsed = performance.now() - started;
      await deposited;
      if (i >= WARM_UP) times.push(elapsed);
    }
  } finally {
    closeAll([sender, receiver]);
  }
  return summarize(times);
}

async function rawLinkLatency(frameBytes: number, samples: number): Promise<LatencySummary> {
  const pairOfLinks = await openRawLinkPair();
  const frame = new Uint8Array(randomBytes(frameBytes));
  let onFrame: (() => void) | undefined;
  pairOfLinks.b.on('message', () => onFrame?.());
  const times: number[] = [];
  try {
    for (let i = 0; i < WARM_UP + samples; i += 1) {
      const arrived = new Promise<void>((resolve) => (onFrame = resolve));
      const started = performance.now();
      await pairOfLinks.a.send(frame);
      await arrived;
      if (i >= WARM_UP) times.push(performance.now() - started);
    }
  } finally {
    await pairOfLinks.close();
  }
  return summarize(times);
}

function report(
  label: string,
  measured: LatencySummary,
  baseline: LatencySummary,
  baselineName: string,
): void {
  line(
    `${label}: p50 ${ms(measured.p50)}, p99 ${ms(measured.p99)} (n=${measured.n}) = ` +
      `${ratio(measured.p50, baseline.p50)} / ${ratio(measured.p99, baseline.p99)} ${baselineName} ` +
      `(p50 ${ms(baseline.p50)}, p99 ${ms(baseline.p99)}, n=${baseline.n})`,
  );
}

async function main(): Promise<void> {
  heading(
    'Text message latency, one way, on loopback (sendText → message event; one message at a time; ' +
      `${LIMITS_NOTE}; relay in its own process)`,
  );
  const relay = await startServerProcess('relay.node.ts');
  const clients: ParleyClient[] = [];
  try {
    const deposits: number[] = [];
    const results: { backend: string; direct: Measured; relay: Measured }[] = [];
    for (const backend of selectedBackends()) {
      // Over the relay: devices without WebRTC.
      const ra = await startDevice(`relay-a-${backend.name}`, relay.url, {
        direct: false,
        backend,
        onDeposit: (b) => deposits.push(b),
      });
      clients.push(ra);
      const rb = await startDevice(`relay-b-${backend.name}`, relay.url, { direct: false, backend });
      clients.push(rb);
      await pair(ra, rb);
      const viaRelay = await engineLatency(ra, rb, RELAY_SAMPLES, 'relay');
      // Each phase's clients close before the next phase, so nothing they still send loads it.
      for (const client of clients.splice(0)) await client.close();

      // Over a direct link: devices with WebRTC, link opened before measuring.
      const da = await startDevice(`direct-a-${backend.name}`, relay.url, { direct: true, backend });
      clients.push(da);
      const db = await startDevice(`direct-b-${backend.name}`, relay.url, { direct: true, backend });
      clients.push(db);
      await pair(da, db);
      await openDirectLink(da, db);
      const direct = await engineLatency(da, db, DIRECT_SAMPLES, 'direct');
      for (const client of clients.splice(0)) await client.close();
      results.push({ backend: backend.name, direct, relay: viaRelay });
    }
    // The envelope of a short text (deposits also carry the peer's first-message prekey header; take the median).
    const envelopeBytes = [...deposits].sort((x, y) => x - y)[Math.floor(deposits.length / 2)] ?? 512;
    const rawRelay = await rawRelayLatency(relay.url, envelopeBytes, RELAY_SAMPLES);
    const rawLink = await rawLinkLatency(envelopeBytes, DIRECT_SAMPLES);

    for (const result of results) {
      report(
        `text latency direct (${result.backend} crypto)`,
        result.direct.summary,
        rawLink,
        'raw data channel frame',
      );
      report(
        `text latency relay (${result.backend} crypto)`,
        result.relay.summary,
        rawRelay,
        'raw blob:deposit → blob push',
      );
      line(
        `  client CPU per message (${result.backend}): direct ${result.direct.cpuMsPerMessage.toFixed(2)} ms, ` +
          `relay ${result.relay.cpuMsPerMessage.toFixed(2)} ms (both devices, receipts included)`,
      );
      if (result.direct.offRoute + result.relay.offRoute > 0) {
        line(
          `warning: ${result.direct.offRoute} "direct" messages came through the relay and ` +
            `${result.relay.offRoute} "relay" messages did not`,
        );
      }
    }
    line(`(envelope of a short text: ${envelopeBytes} bytes; baselines send that many bytes)`);
  } finally {
    for (const client of clients) await client.close();
    await relay.stop();
  }
}

runIfMain(import.meta.url, main);
