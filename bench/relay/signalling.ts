/**
 * Signalling messages relayed per second between 1,000 connected clients (500 pairs, each client sending
 * to its partner with a few signals in flight), as a ratio to a bare Socket.IO forwarder with the same
 * process layout and topology measured in the same run. Target: ≥ 0.8. Also printed per CPU-second of the
 * server process, the figure that holds when other work shares the machine.
 */
import type { ClientPayload } from '@parley/core';
import { makeIdentities, type BenchIdentity } from './lib/identities.node.js';
import {
  closeAll,
  connectAuthenticated,
  connectBare,
  pooled,
  type RelaySocket,
} from './lib/lean-client.node.js';
import { LIMITS_NOTE } from './lib/bench-limits.js';
import { cpuShares, perSecond, startCpuWindow, type CpuWindow } from './lib/cpu-window.node.js';
import { runIfMain, sleep } from './lib/main.node.js';
import { count, heading, line, ratio } from './lib/report.js';
import { startServerProcess, type ServerProcess } from './lib/server-process.node.js';

const CLIENTS = 1_000;
const IN_FLIGHT_PER_CLIENT = 4;
const CONNECT_CONCURRENCY = 100;
const WARMUP_MS = 1_000;
const MEASURE_MS = 3_000;
const ROUNDS = 3;
/** About the size of a trickled data-channel offer. */
const SDP = `v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n${'a=x'.repeat(100)}`;

export interface Measurement {
  perSecond: number;
  perServerCpuSecond: number;
  errors: number;
  window: CpuWindow;
}

export async function measure(
  server: ServerProcess,
  label: string,
  connect: (url: string, identity: BenchIdentity) => Promise<RelaySocket>,
): Promise<Measurement> {
  const identities = makeIdentities(CLIENTS);
  const sockets = await pooled(identities, CONNECT_CONCURRENCY, (identity) => connect(server.url, identity));
  let received = 0;
  let errors = 0;
  let running = true;
  for (const socket of sockets) socket.on('signal', () => (received += 1));

  sockets.forEach((socket, index) => {
    const partner = identities[index ^ 1] as BenchIdentity;
    const signal: ClientPayload<'signal'> = {
      to: partner.id,
      linkId: `bench-${index}`,
      kind: 'data',
      data: { type: 'offer', sdp: SDP },
    };
    const send = () => {
      if (!running) return;
      socket.emit('signal', signal, (result) => {
        if (!result.ok) errors += 1;
        send();
      });
    };
    for (let i = 0; i < IN_FLIGHT_PER_CLIENT; i += 1) send();
  });

  await sleep(WARMUP_MS);
  const start = { received, errors };
  const stopProfile = await server.profile(`signalling-${label}`);
  const stop = startCpuWindow(server);
  await sleep(MEASURE_MS);
  const window = stop();
  await stopProfile();
  const relayed = received - start.received;
  running = false;
  await sleep(200);
  closeAll(sockets);
  return {
    perSecond: perSecond(relayed, window.wallMs),
    perServerCpuSecond: perSecond(relayed, window.serverCpuMs),
    errors: errors - start.errors,
    window,
  };
}

async function measureWith(script: string, connect: typeof connectBare, label: string): Promise<Measurement> {
  const server = await startServerProcess(script);
  try {
    return await measure(server, label, connect);
  } finally {
    await server.stop();
  }
}

/** The best round by one figure: other load on the machine only ever lowers a round, never raises it. */
export function best(rounds: Measurement[], figure: 'perSecond' | 'perServerCpuSecond'): number {
  return Math.max(...rounds.map((round) => round[figure]));
}

export function describe(name: string, rounds: Measurement[]): string {
  const each = rounds.map((r) => {
    const errors = r.errors > 0 ? `, ${count(r.errors)} error acks` : '';
    return `${count(r.perSecond)} msg/s, ${count(r.perServerCpuSecond)} per CPU-second (${cpuShares(r.window)}${errors})`;
  });
  return `${name} rounds: ${each.join('; ')}`;
}

export async function main(): Promise<void> {
  heading(
    `Signalling: ${count(CLIENTS)} clients in ${CLIENTS / 2} pairs, ${IN_FLIGHT_PER_CLIENT} signals in flight per client, ` +
      `${SDP.length}-char SDP, ${MEASURE_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up; server in a child process; ` +
      `best of ${ROUNDS} interleaved rounds`,
  );
  const bareRounds: Measurement[] = [];
  const relayRounds: Measurement[] = [];
  // Interleaved, so a burst of other load on the machine hits both sides rather than one.
  for (let round = 0; round < ROUNDS; round += 1) {
    bareRounds.push(await measureWith('bare-forwarder.node.ts', connectBare, `bare-${round + 1}`));
    relayRounds.push(await measureWith('relay.node.ts', connectAuthenticated, `relay-${round + 1}`));
  }
  const [relay, bare] = [best(relayRounds, 'perSecond'), best(bareRounds, 'perSecond')];
  line(
    `signalling relayed: ${count(relay)} msg/s = ${ratio(relay, bare)} bare Socket.IO forwarder ` +
      `(${count(relay)} / ${count(bare)} msg/s; target ≥ 0.8)`,
  );
  const [relayCpu, bareCpu] = [
    best(relayRounds, 'perServerCpuSecond'),
    best(bareRounds, 'perServerCpuSecond'),
  ];
  line(
    `per server CPU-second: ${count(relayCpu)} msg = ${ratio(relayCpu, bareCpu)} bare Socket.IO forwarder ` +
      `(${count(relayCpu)} / ${count(bareCpu)})`,
  );
  line(describe('bare forwarder', bareRounds));
  line(describe('relay', relayRounds));
  line(LIMITS_NOTE);
}

runIfMain(import.meta.url, main);
