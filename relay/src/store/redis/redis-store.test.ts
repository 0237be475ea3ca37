import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../testing/redis-server.node.js';
import { describeRelayStore } from '../contract.test-suite.js';
import { identity } from '../contract/fixtures.js';
import { keyedHash, METADATA_KEY_NAME } from '../keyed-hash.node.js';
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
  inspectable: async () => {
    const prefix = freshPrefix();
    const store = await openRedisStore({ url: server.url, prefix });
    const raw = new Redis(server.url);
    const keys = () => raw.keys(`${prefix}*`);
    return {
      store,
      // Key names and the serialized value of each key, as a dump of the server would hold them.
      residue: async () => {
        const names = await keys();
        const values = await Promise.all(names.map((name) => raw.dumpBuffer(name)));
        return Buffer.concat([Buffer.from(names.join('\n')), ...values.filter((v) => v !== null)]);
      },
      remaining: async () => (await keys()).map((name) => name.slice(prefix.length)),
      close: async () => {
        raw.disconnect();
        await store.close();
      },
    };
  },
});

describe('Redis store upgrade', () => {
  it('rewrites clear-text admitted identities as keyed hashes, so nobody admitted loses admission', async () => {
    const prefix = freshPrefix();
    const raw = new Redis(server.url);
    try {
      await raw.hset(`${prefix}admitted`, identity(7), 1);
      const store = await openRedisStore({ url: server.url, prefix });
      try {
        const key = await store.secrets.getOrCreate(METADATA_KEY_NAME, () => new Uint8Array(1));
        expect(await store.access.isAdmitted(keyedHash(key, 'admitted', identity(7)))).toBe(true);
        expect(await raw.exists(`${prefix}admitted`)).toBe(0);
      } finally {
        await store.close();
      }
    } finally {
      raw.disconnect();
    }
  });
});
