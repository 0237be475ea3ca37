import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startRedisServer, type RedisServer } from './redis-server.node.js';

const run = promisify(execFile);

export interface RedisCluster {
  /** Every node's URL, comma-separated: the form `--redis-url` takes with `--redis-cluster`. */
  url: string;
  nodes: RedisServer[];
  /** Stops every node and deletes their directories; harmless to call twice. */
  stop(): Promise<void>;
}

/**
 * A real Redis Cluster on 127.0.0.1 for tests: `size` masters without replicas, joined by
 * `redis-cli --cluster create` (which spreads the 16,384 slots over them), resolved once every node reports
 * `cluster_state:ok`.
 */
export async function startRedisCluster(size = 3): Promise<RedisCluster> {
  const nodes: RedisServer[] = [];
  const stop = async () => void (await Promise.all(nodes.map((node) => node.stop())));
  try {
    for (let i = 0; i < size; i += 1) nodes.push(await startRedisServer({ cluster: true }));
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    for (const node of nodes) await waitForClusterOk(node.port);
  } catch (error) {
    await stop();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return { url: nodes.map((node) => node.url).join(','), nodes, stop: () => (stopped ??= stop()) };
}

/** Slots are assigned at once, but each node learns the others' over the bus: poll until it says ok. */
async function waitForClusterOk(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  let info = '';
  while (Date.now() < deadline) {
    ({ stdout: info } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']));
    if (info.includes('cluster_state:ok')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Redis Cluster node ${port} did not reach cluster_state:ok within 20 s:\n${info}`);
}
