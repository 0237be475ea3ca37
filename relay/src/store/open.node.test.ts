import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../config.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.node.js';
import { identity } from './contract/fixtures.js';
import { openStore, SQLITE_FILE } from './open.node.js';

describe('openStore', () => {
  let dir: string;
  let redis: RedisServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-open-'));
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the data directory and the SQLite file in it', async () => {
    const dataDir = join(dir, 'nested', 'data');
    const store = await openStore(defaultConfig({ dataDir, store: { kind: 'sqlite' } }));
    await store.access.admit(identity(1));
    await store.close();
    expect(existsSync(join(dataDir, SQLITE_FILE))).toBe(true);
  });

  it('opens Redis at the configured URL', async () => {
    const store = await openStore(defaultConfig({ store: { kind: 'redis', url: redis.url } }));
    try {
      await store.access.admit(identity(1));
      expect(await store.access.isAdmitted(identity(1))).toBe(true);
    } finally {
      await store.close();
    }
  });
});
