import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';

export interface RedisAdapterHandle {
  adapter: ReturnType<typeof createAdapter>;
  /** Disconnects both Redis connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Socket.IO's Redis adapter over ioredis: rooms, emits and `serverSideEmit` span every relay process that
 * shares this Redis. Pub/sub needs a connection of its own, hence two.
 */
export async function createRedisAdapter(url: string): Promise<RedisAdapterHandle> {
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  const sub = pub.duplicate();
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch (error) {
    pub.disconnect();
    sub.disconnect();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    adapter: createAdapter(pub, sub),
    close() {
      closing ??= (async () => {
        await Promise.allSettled([pub.quit(), sub.quit()]);
      })();
      return closing;
    },
  };
}
