import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedisCluster, type RedisCluster } from '../../testing/redis-cluster.node.js';
import { describeRelayStore } from '../contract.test-suite.js';
import { clusterPrefix, openRedisStore } from './redis-store.node.js';

/** The same shared suite as redis-store.test.ts, against a real three-node Redis Cluster. */
let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster(3);
}, 60_000);
afterAll(async () => {
  await cluster.stop();
});

// Each store gets its own prefix, so its hash tag (and slot) differs: the suite's stores land on every node.
const freshPrefix = (): string => `test-${randomUUID()}:`;
const open = (prefix: string) => openRedisStore({ url: cluster.url, cluster: true, prefix });

describeRelayStore('Redis Cluster', {
  open: () => open(freshPrefix()),
  openPair: async () => {
    const prefix = freshPrefix();
    return [await open(prefix), await open(prefix)];
  },
});

it('turns the key prefix into a hash tag so that every key of a deployment shares one slot', () => {
  expect(clusterPrefix('parley:')).toBe('{parley}:');
  expect(clusterPrefix('{tenant-a}:parley:')).toBe('{tenant-a}:parley:');
});
