import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RelayConfig } from '../config.js';
import { openRedisStore } from './redis/redis-store.node.js';
import { openSqliteStore } from './sqlite/sqlite-store.node.js';
import type { RelayStore } from './types.js';

/** The file name inside `config.dataDir`; operators back this one file up. */
export const SQLITE_FILE = 'parley.sqlite';

/** Opens the store the configuration names: SQLite in the data directory (created if missing) or Redis. */
export async function openStore(config: RelayConfig): Promise<RelayStore> {
  if (config.store.kind === 'redis')
    return openRedisStore({ url: config.store.url, cluster: config.redisCluster === true });
  await mkdir(config.dataDir, { recursive: true });
  return openSqliteStore({ path: join(config.dataDir, SQLITE_FILE) });
}
