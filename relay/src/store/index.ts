export type * from './types.js';
export { openStore, SQLITE_FILE } from './open.node.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.node.js';
export { openRedisStore, type RedisStoreOptions } from './redis/redis-store.node.js';
