import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { Cluster } from 'ioredis';
import type { RedisAdapterMode } from '../config.js';
import type { RoomProbe } from './hub.node.js';
import { connectRedis, duplicateRedis, type RedisTarget } from '../store/redis/client.node.js';

export interface RedisAdapterHandle extends RoomProbe {
  adapter: ReturnType<typeof createAdapter> | ReturnType<typeof createShardedAdapter>;
  /** Disconnects both Redis connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Socket.IO's Redis adapter over ioredis: rooms, emits and `serverSideEmit` span every relay process that
 * shares this Redis. Pub/sub needs a connection of its own, hence two.
 *
 * `classic` PUBLISHes on a channel per namespace, which a Cluster forwards to every node; `sharded` uses
 * Redis 7's SPUBLISH with a channel per identity room ("dynamic" subscriptions), so each signal goes to the
 * one shard owning its room's channel and to the processes holding that room only.
 */
/** The sharded adapter's "dynamic" Pub/Sub channel for one room of the default namespace. */
const roomChannel = (room: string) => `socket.io#/#${room}#`;

export async function createRedisAdapter(
  target: RedisTarget,
  mode: RedisAdapterMode = target.cluster ? 'sharded' : 'classic',
): Promise<RedisAdapterHandle> {
  // On a Cluster, SSUBSCRIBE must reach the node that owns each channel's slot: ioredis keeps one
  // subscriber connection per master for that only when asked.
  const pub = await connectRedis(
    target,
    { maxRetriesPerRequest: null },
    { shardedSubscribers: mode === 'sharded' },
  );
  let sub;
  try {
    sub = await duplicateRedis(pub);
  } catch (error) {
    pub.disconnect();
    throw error;
  }
  let closing: Promise<void> | undefined;
  // The sharded adapter's "dynamic" mode subscribes each process to `socket.io#/#<room>#` while it holds
  // the room, so the channel's subscriber count says whether anyone does. A Cluster node counts only its
  // own shard channels and ioredis does not route PUBSUB by channel, so ask every master: a round trip per
  // shard rather than one per relay process.
  const roomOccupied = async (room: string): Promise<boolean> => {
    const channel = roomChannel(room);
    const nodes = pub instanceof Cluster ? pub.nodes('master') : [pub];
    const replies = await Promise.all(nodes.map((node) => node.call('PUBSUB', 'SHARDNUMSUB', channel)));
    return replies.some((reply) => Array.isArray(reply) && Number(reply[1]) > 0);
  };
  // The adapter sends a new room's SSUBSCRIBE without waiting for Redis to confirm it, so a client told it is
  // connected could miss a signal published on another process before the subscription took. Subscribing again
  // is a no-op for Redis, and its reply comes after the adapter's on the same connection: awaiting it confirms
  // both. If the room emptied meanwhile, the adapter's SUNSUBSCRIBE may have gone first; undo ours then.
  const roomSubscribed = async (room: string, stillHeld: () => boolean): Promise<void> => {
    const channel = roomChannel(room);
    await sub.ssubscribe(channel);
    if (!stillHeld()) await sub.sunsubscribe(channel);
  };
  return {
    ...(mode === 'sharded' ? { roomOccupied, roomSubscribed } : {}),
    adapter:
      mode === 'sharded'
        ? createShardedAdapter(pub, sub, { subscriptionMode: 'dynamic' })
        : createAdapter(pub, sub),
    close() {
      closing ??= (async () => {
        await Promise.allSettled([pub.quit(), sub.quit()]);
      })();
      return closing;
    },
  };
}
