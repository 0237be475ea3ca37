/**
 * The real relay in a child process, configured for benching: loopback only, silent logs, a temp data
 * directory, and rate limits and the blob quota raised so they do not throttle the load (benches measure
 * throughput; tests cover the limits).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type RedisAdapterMode } from '../../../relay/src/config.js';
import { startRelay } from '../../../relay/src/relay.node.js';
import { parseOptions, serveParent } from '../lib/server-process.node.js';
import { BENCH_BLOB_QUOTA, BENCH_RATE_LIMITS } from '../lib/bench-limits.js';

export interface RelayServerOptions {
  /** Redis URL for the Redis store; SQLite in a temp directory otherwise. */
  redisUrl?: string;
  /** With redisUrl: also route Socket.IO through Redis with this adapter, as a scaled-out relay does. */
  adapter?: RedisAdapterMode;
  /** redisUrl names Redis Cluster nodes. */
  cluster?: boolean;
}

const options = parseOptions<RelayServerOptions>();
const dataDir = await mkdtemp(join(tmpdir(), 'parley-bench-relay-'));
const relay = await startRelay(
  defaultConfig({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logLevel: 'silent',
    store: options.redisUrl ? { kind: 'redis', url: options.redisUrl } : { kind: 'sqlite' },
    ...(options.redisUrl && options.adapter
      ? { redisAdapterUrl: options.redisUrl, redisAdapterMode: options.adapter }
      : {}),
    ...(options.cluster ? { redisCluster: true } : {}),
    rateLimits: BENCH_RATE_LIMITS,
    blobQuota: BENCH_BLOB_QUOTA,
  }),
);
serveParent(relay.port, async () => {
  await relay.close();
  await rm(dataDir, { recursive: true, force: true });
});
