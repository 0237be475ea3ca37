import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { startRedisServer, type RedisServer } from '../../testing/redis-server.node.js';
import { describeRelayStore } from '../contract.test-suite.js';
import { openRedisStore } from './redis-store.node.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.stop();
});

// One server for the file; every store gets its own key prefix, as separate deployments would.
const freshPrefix = (): string => `test-${randomUUID()}:`;

describeRelayStore('Redis', {
  open: () => openRedisStore({ url: server.url, prefix: freshPrefix() }),
  openPair: async () => {
    const prefix = freshPrefix();
    return [
      await openRedisStore({ url: server.url, prefix }),
      await openRedisStore({ url: server.url, prefix }),
    ];
  },
});
