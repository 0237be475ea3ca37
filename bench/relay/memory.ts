/**
 * Resident memory per idle authenticated connection: the relay process's VmRSS after a full GC, before and
 * after 5,000 authenticated connections that then sit idle, divided by 5,000. The same is measured for the
 * bare Socket.IO server (unauthenticated connections) in the same run. Target: under 30 KB.
 */
import { makeIdentities } from './lib/identities.node.js';
import { closeAll, connectAuthenticated, connectBare, pooled } from './lib/lean-client.node.js';
import { LIMITS_NOTE } from './lib/bench-limits.js';
import { runIfMain, sleep } from './lib/main.node.js';
import { count, heading, kib, line, mib, ratio } from './lib/report.js';
import { startServerProcess } from './lib/server-process.node.js';

const CONNECTIONS = 5_000;
const WARMUP_CONNECTIONS = 300;
const CONCURRENCY = 100;
const SETTLE_MS = 1_500;
const TARGET_BYTES = 30 * 1024;

interface Footprint {
  before: number;
  after: number;
  perConnection: number;
}

async function footprint(script: string, connect: typeof connectAuthenticated): Promise<Footprint> {
  const server = await startServerProcess(script);
  try {
    // Warm up first, so one-time costs (JIT, first SQLite pages, module state) are not charged to connections.
    closeAll(await pooled(makeIdentities(WARMUP_CONNECTIONS), CONCURRENCY, (id) => connect(server.url, id)));
    await sleep(SETTLE_MS);
    await server.gc();
    const before = server.rss();
    const sockets = await pooled(makeIdentities(CONNECTIONS), CONCURRENCY, (id) => connect(server.url, id));
    await sleep(SETTLE_MS);
    await server.gc();
    const after = server.rss();
    closeAll(sockets);
    return { before, after, perConnection: (after - before) / CONNECTIONS };
  } finally {
    await server.stop();
  }
}

function describe(name: string, f: Footprint): string {
  return `${name}: RSS ${mib(f.before)} → ${mib(f.after)} = ${kib(f.perConnection)} per connection`;
}

export async function main(): Promise<void> {
  heading(
    `Memory: ${count(CONNECTIONS)} idle connections, server RSS (VmRSS after a full GC) in a child process, ` +
      `after ${WARMUP_CONNECTIONS} warm-up connections`,
  );
  const bare = await footprint('bare-forwarder.node.ts', connectBare);
  const relay = await footprint('relay.node.ts', connectAuthenticated);
  line(
    `memory per idle authenticated connection: ${kib(relay.perConnection)} = ` +
      `${ratio(relay.perConnection, bare.perConnection)} bare Socket.IO connection ` +
      `(${kib(relay.perConnection)} / ${kib(bare.perConnection)}; target < ${kib(TARGET_BYTES)}: ` +
      `${relay.perConnection < TARGET_BYTES ? 'met' : 'missed'})`,
  );
  line(describe('bare Socket.IO server', bare));
  line(describe('relay', relay));
  line(LIMITS_NOTE);
}

runIfMain(import.meta.url, main);
