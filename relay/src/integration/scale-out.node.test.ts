import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisAdapterMode } from '../config.js';
import { startRedisCluster } from '../testing/redis-cluster.node.js';
import { startRedisServer } from '../testing/redis-server.node.js';
import { connectClient, makeIdentity, type TestClient } from '../testing/client.node.js';
import { spawnRelay, type RelayChild } from './relay-child.node.js';

/**
 * Two relay processes sharing Redis, as an operator scales out behind a load balancer: one redis-server with
 * the classic adapter and with the sharded one (Redis 7 SPUBLISH), and a real three-node Redis Cluster
 * (store under one hash tag, sharded Pub/Sub spread over the shards).
 */
const run = promisify(execFile);

const LAYOUTS: Array<{ name: string; cluster: boolean; mode: RedisAdapterMode }> = [
  { name: 'one Redis, classic adapter', cluster: false, mode: 'classic' },
  { name: 'one Redis, sharded adapter', cluster: false, mode: 'sharded' },
  { name: 'a three-node Redis Cluster, sharded adapter', cluster: true, mode: 'sharded' },
];

/** Runs one redis-cli command against every node named in a (comma-separated) URL and joins the lines. */
async function redisCli(urls: string, args: string[]): Promise<string[]> {
  const replies = await Promise.all(
    urls.split(',').map(async (url) => {
      const { stdout } = await run('redis-cli', ['-p', new URL(url).port, ...args]);
      return stdout.split('\n').filter(Boolean);
    }),
  );
  return replies.flat();
}

describe.each(LAYOUTS)('two relay processes sharing $name', ({ cluster, mode }) => {
  let redis: { url: string; stop(): Promise<void> };
  let east: RelayChild;
  let west: RelayChild;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    redis = cluster ? await startRedisCluster(3) : await startRedisServer();
    const config = {
      store: { kind: 'redis' as const, url: redis.url },
      redisAdapterUrl: redis.url,
      redisCluster: cluster,
      redisAdapterMode: mode,
    };
    [east, west] = await Promise.all([spawnRelay(config), spawnRelay(config)]);
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all([east.stop(), west.stop()]);
    await redis.stop();
  });

  async function on(relay: RelayChild, identity = makeIdentity()): Promise<TestClient> {
    const client = await connectClient(relay.url, { identity });
    clients.push(client);
    return client;
  }

  it('reaches a client from every process as soon as its login is acknowledged', async () => {
    // First in its suite: a shard's subscriber connection is opened by its first room, which widens the window.
    // The sharded adapter subscribes a new room without waiting for Redis: a login acknowledged before the
    // subscription took left a window in which a signal from another process was reported undelivered and lost.
    const alice = await on(east);
    const outcomes = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const bob = await on(west);
        const ack = await alice.ok('signal', {
          to: bob.identity,
          linkId: `r${i}`,
          data: { type: 'offer', sdp: 'v=0' },
        });
        return ack.delivered === true && (await bob.next('signal')).linkId === `r${i}`;
      }),
    );
    expect(outcomes.filter((ok) => !ok)).toEqual([]);
  });

  it('relays signals and typing between clients connected to different processes', async () => {
    const alice = await on(east);
    const bob = await on(west);
    const ack = await alice.ok('signal', {
      to: bob.identity,
      linkId: 'l1',
      data: { type: 'offer', sdp: 'v=0' },
    });
    expect(ack.delivered).toBe(true);
    expect(await bob.next('signal')).toEqual({
      from: alice.identity,
      linkId: 'l1',
      kind: 'data',
      data: { type: 'offer', sdp: 'v=0' },
    });
    await bob.ok('typing', { to: alice.identity, typing: true });
    expect(await alice.next('typing')).toEqual({ from: bob.identity, typing: true });
    // The sharded adapter subscribes with SSUBSCRIBE (a channel per identity room), the classic one with
    // SUBSCRIBE: ask Redis which kind it holds, on every node of a Cluster.
    const shardChannels = await redisCli(redis.url, ['pubsub', 'shardchannels', 'socket.io*']);
    if (mode === 'sharded') expect(shardChannels).toContain(`socket.io#/#id:${bob.identity}#`);
    else expect(shardChannels).toEqual([]);
  });

  it('acks a signal as delivered only while its recipient is connected to some process', async () => {
    const alice = await on(east);
    const bobIdentity = makeIdentity();
    const delivered = async (to: string) =>
      (await alice.ok('signal', { to, linkId: 'l2', data: { type: 'offer', sdp: 'v=0' } })).delivered;
    expect(await delivered(bobIdentity.id)).toBe(false);
    const bob = await on(west, bobIdentity);
    expect(await delivered(bob.identity)).toBe(true);
    bob.close();
    // Bob's leaving reaches the other process (and, with the sharded adapter, Redis's shard-channel count)
    // whenever the loaded machine gets to it: wait for the outcome, not for a second, as vitest's default would.
    await expect.poll(() => delivered(bob.identity), { timeout: 30_000, interval: 100 }).toBe(false);
  });

  it('delivers a blob deposited on one process to its recipient online on the other, and the notice back', async () => {
    const alice = await on(east);
    const bob = await on(west);
    const { id } = await alice.ok('blob:deposit', { recipients: [bob.identity], payload: Buffer.from('hi') });
    const blob = await bob.next('blob');
    expect(blob.id).toBe(id);
    expect(Buffer.from(blob.payload as Uint8Array).toString()).toBe('hi');
    await bob.ok('blob:ack', { ids: [id] });
    expect(await alice.next('blob:delivered')).toMatchObject({ id, recipient: bob.identity });
  });

  it('delivers a blob deposited on one process when the recipient later connects to the other', async () => {
    const alice = await on(east);
    const carol = makeIdentity();
    const { id } = await alice.ok('blob:deposit', { recipients: [carol.id], payload: Buffer.from('later') });
    const carolClient = await on(west, carol);
    expect((await carolClient.next('blob')).id).toBe(id);
  });

  it('tells allowed watchers on the other process when someone goes offline', async () => {
    const aliceIdentity = makeIdentity();
    const alice = await on(east, aliceIdentity);
    const friend = await on(west);
    await alice.ok('presence:visibility', { allow: [friend.identity], lastSeen: false });
    expect(await friend.ok('presence:subscribe', { identities: [aliceIdentity.id] })).toMatchObject({
      presence: [{ identity: aliceIdentity.id, online: true }],
    });
    alice.close();
    expect(await friend.next('presence')).toEqual({ identity: aliceIdentity.id, online: false });
  });
});
