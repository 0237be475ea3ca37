import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedisCluster, type RedisCluster } from '../../testing/redis-cluster.node.js';
import { bundle, identity } from '../contract/fixtures.js';
import { describeRelayStore } from '../contract.test-suite.js';
import { clusterKeys } from './keys.node.js';
import { openRedisStore } from './redis-store.node.js';

const run = promisify(execFile);

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

// The raw-read forgetting test runs against a single node (redis-store.test.ts): the same scripts, one server.
describeRelayStore('Redis Cluster', {
  open: () => open(freshPrefix()),
  openPair: async () => {
    const prefix = freshPrefix();
    return [await open(prefix), await open(prefix)];
  },
});

it('gives each identity its own hash tag and keeps multi-identity keys under the deployment tag', () => {
  const keys = clusterKeys('parley:');
  expect(keys.shared).toBe('{parley}:');
  expect(keys.of('abc')).toBe('parley:{abc}:');
  // A brace in an owner (an OTP address may hold one) must not end the tag early or leave it empty.
  expect(keys.of('a}b{')).toBe('parley:{a_b_}:');
  expect(clusterKeys('{tenant-a}:').of('abc')).toBe('{tenant-a}:');
});

it("spreads identities' directory and presence over every shard, each identity's keys in one slot", async () => {
  const prefix = freshPrefix();
  const store = await open(prefix);
  try {
    const owners = Array.from({ length: 24 }, (_, n) => identity(n + 1));
    for (const owner of owners) {
      await store.directory.publish(bundle(owner, [1, 2, 3]));
      // Last seen is kept only for identities that share it.
      await store.presence.setVisibility(owner, { allow: ['watcher-hash'], lastSeen: true });
      await store.presence.setLastSeen(owner, 1_000);
      await store.access.admit(owner);
    }
    // What each node holds under this store's prefix.
    const perNode = await Promise.all(
      cluster.nodes.map(async (node) => {
        const { stdout } = await run('redis-cli', [
          '-p',
          String(node.port),
          '--scan',
          '--pattern',
          `${prefix}*`,
        ]);
        return stdout.split('\n').filter(Boolean);
      }),
    );
    expect(perNode.every((keys) => keys.length > 0)).toBe(true);
    for (const owner of owners) {
      const nodesHolding = perNode.filter((keys) => keys.some((key) => key.includes(`{${owner}}`)));
      expect(nodesHolding).toHaveLength(1);
      expect(nodesHolding[0]?.filter((key) => key.includes(`{${owner}}`)).length).toBe(5);
    }
    expect((await store.directory.take(owners[0] ?? ''))?.remaining).toBe(2);
  } finally {
    await store.close();
  }
});
