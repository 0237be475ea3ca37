import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/** A single Redis node or a Redis Cluster: the commands the relay sends are the same on both. */
export type RedisClient = Redis | Cluster;

export interface RedisTarget {
  /** `redis://host:port/db` of one node, or with `cluster` comma-separated seed nodes of a Cluster. */
  url: string;
  cluster?: boolean;
}

/**
 * Connects to a single node or a Cluster (ioredis discovers the other nodes from any seed) and resolves once
 * connected, so a wrong address fails at start-up rather than on the first client's request.
 */
export async function connectRedis(
  target: RedisTarget,
  options: RedisOptions = {},
  cluster: Omit<ClusterOptions, 'redisOptions'> = {},
): Promise<RedisClient> {
  const client = target.cluster
    ? new Cluster(clusterSeeds(target.url), { ...clusterOptions(target.url, options), ...cluster })
    : new Redis(target.url, { ...options, lazyConnect: true });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw error;
  }
  return client;
}

/** A second connection to the same place (Pub/Sub needs one of its own), connected like the first. */
export async function duplicateRedis(client: RedisClient): Promise<RedisClient> {
  // Both kinds were created lazy, and duplicate() keeps their options: connect explicitly, as above.
  const copy = client.duplicate();
  try {
    await copy.connect();
  } catch (error) {
    copy.disconnect();
    throw error;
  }
  return copy;
}

function clusterSeeds(urls: string): Array<{ host: string; port: number }> {
  return urls.split(',').map((entry) => {
    const url = new URL(entry.trim());
    return { host: url.hostname, port: Number(url.port || 6379) };
  });
}

/** Password, user and TLS (rediss:) of the first seed apply to every node of the Cluster. */
function clusterOptions(urls: string, options: RedisOptions): ClusterOptions {
  const first = new URL(urls.split(',')[0]?.trim() ?? '');
  const redisOptions: RedisOptions = { ...options };
  if (first.username) redisOptions.username = decodeURIComponent(first.username);
  if (first.password) redisOptions.password = decodeURIComponent(first.password);
  if (first.protocol === 'rediss:') redisOptions.tls = {};
  return {
    lazyConnect: true,
    redisOptions,
    ...(options.enableAutoPipelining ? { enableAutoPipelining: true } : {}),
  };
}
