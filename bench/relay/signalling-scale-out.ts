/**
 * What routing Socket.IO through Redis costs a relay process: the signalling bench's load (1,000 clients in
 * 500 pairs) on one relay process with SQLite and no adapter, then with the Redis store and the classic
 * adapter, the sharded adapter on one Redis 7, and the sharded adapter on a three-node Redis Cluster. Every
 * signal then goes through Redis, as it would between processes. Reported per CPU-second of the relay
 * process (Redis's own CPU is not counted): the figure docs/scaling.md sizes processes with.
 */
import type { RedisAdapterMode } from '../../relay/src/config.js';
import { startRedisCluster } from '../../relay/src/testing/redis-cluster.node.js';
import { startRedisServer } from '../../relay/src/testing/redis-server.node.js';
import { LIMITS_NOTE } from './lib/bench-limits.js';
import { connectAuthenticated } from './lib/lean-client.node.js';
import { runIfMain } from './lib/main.node.js';
import { count, heading, line, ratio } from './lib/report.js';
import { startServerProcess } from './lib/server-process.node.js';
import type { RelayServerOptions } from './servers/relay.node.js';
import { best, describe, measure, type Measurement } from './signalling.js';

const ROUNDS = 2;

interface Layout {
  name: string;
  redis?: 'single' | 'cluster';
  adapter?: RedisAdapterMode;
}

const LAYOUTS: Layout[] = [
  { name: 'no adapter (SQLite)' },
  { name: 'classic adapter, one Redis', redis: 'single', adapter: 'classic' },
  { name: 'sharded adapter, one Redis', redis: 'single', adapter: 'sharded' },
  { name: 'sharded adapter, 3-node Cluster', redis: 'cluster', adapter: 'sharded' },
];

async function round(layout: Layout, label: string): Promise<Measurement> {
  const redis =
    layout.redis === 'cluster'
      ? await startRedisCluster(3)
      : layout.redis === 'single'
        ? await startRedisServer()
        : undefined;
  try {
    const options: RelayServerOptions = redis
      ? {
          redisUrl: redis.url,
          ...(layout.adapter ? { adapter: layout.adapter } : {}),
          cluster: layout.redis === 'cluster',
        }
      : {};
    const server = await startServerProcess('relay.node.ts', options);
    try {
      return await measure(server, label, connectAuthenticated);
    } finally {
      await server.stop();
    }
  } finally {
    await redis?.stop();
  }
}

export async function main(): Promise<void> {
  heading(
    'Signalling through Redis: 1,000 clients in 500 pairs on one relay process, every signal through the ' +
      `adapter; best of ${ROUNDS} interleaved rounds, per relay CPU-second (Redis's CPU not counted)`,
  );
  const rounds = new Map<Layout, Measurement[]>(LAYOUTS.map((layout) => [layout, []]));
  for (let i = 0; i < ROUNDS; i += 1) {
    for (const layout of LAYOUTS) rounds.get(layout)?.push(await round(layout, `${layout.name}-${i + 1}`));
  }
  const baseline = best(rounds.get(LAYOUTS[0] as Layout) ?? [], 'perServerCpuSecond');
  for (const [layout, measured] of rounds) {
    const cpu = best(measured, 'perServerCpuSecond');
    line(
      `${layout.name}: ${count(cpu)} signals per relay CPU-second = ${ratio(cpu, baseline)} no adapter; ` +
        `${count(best(measured, 'perSecond'))} msg/s wall`,
    );
  }
  for (const [layout, measured] of rounds) line(describe(layout.name, measured));
  line(LIMITS_NOTE);
}

runIfMain(import.meta.url, main);
