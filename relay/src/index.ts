/**
 * The relay package's public surface: start a relay in-process (tests, e2e, embedding), configure it, and open
 * its stores. Everything else under src/ is internal. Node only: the relay never runs in a browser.
 */
export { startRelay, type Relay, type RelayOptions } from './relay.node.js';
export {
  defaultConfig,
  uniformRateLimits,
  type AccessPolicy,
  type OtpSenderConfig,
  type RateLimit,
  type RelayConfig,
  type StoreConfig,
} from './config.js';
export { configFromFlags, ConfigError, defaultDataDir, type CliFlags } from './cli-config.node.js';
export { configFromFile, readConfigFile } from './config-file.node.js';
export { backupRelay, restoreRelay } from './ops/backup.node.js';
export { openStore, openSqliteStore, openRedisStore, SQLITE_FILE } from './store/index.js';
export type * from './store/types.js';
export type { SqliteStoreOptions, RedisStoreOptions } from './store/index.js';
export type { RelayContext } from './context.js';
/** A throwaway self-signed certificate (openssl), for tests and trials of `--tls-cert` or a TLS proxy. */
export { makeCertificate, type TestCertificate } from './testing/certificate.node.js';
