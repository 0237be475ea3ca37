import type { BlobQuota } from './store/types.js';

export type AccessPolicy = 'open' | 'invite' | 'otp';
export const POLICIES: readonly AccessPolicy[] = ['open', 'invite', 'otp'];

export type OtpSenderConfig = { kind: 'console' } | { kind: 'webhook'; url: string; secret?: string };

export type StoreConfig = { kind: 'sqlite' } | { kind: 'redis'; url: string };

export type RedisAdapterMode = 'classic' | 'sharded';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export interface RateLimit {
  /** Events allowed per window. */
  points: number;
  windowSeconds: number;
}

export interface RelayConfig {
  port: number;
  host: string;
  /** SQLite file, attachment bytes and the relay's own keys live here. */
  dataDir: string;
  store: StoreConfig;
  /** When set, Socket.IO's Redis adapter routes events between relay processes sharing this Redis. */
  redisAdapterUrl?: string;
  /**
   * The Redis URLs (store and adapter) name nodes of a Redis Cluster, comma-separated seeds: both connect
   * with ioredis's Cluster client and the store keeps its keys under one hash tag.
   */
  redisCluster?: boolean;
  /**
   * `classic` publishes on one Pub/Sub channel every node sees; `sharded` uses Redis 7 sharded Pub/Sub (a
   * channel per identity room, spread over a Cluster's shards). Default: sharded on a Cluster, else classic.
   */
  redisAdapterMode?: RedisAdapterMode;
  /** PEM files; when set the relay serves HTTPS and WSS itself and re-reads them on `reloadTls()` (SIGHUP). */
  tls?: TlsFiles;
  /** Browser origins allowed to connect; requests without an Origin header (native clients) always are. */
  allowedOrigins: string[];
  /**
   * The URLs clients dial to reach this relay when it is not dialled at its listening address (behind a
   * reverse proxy or a DNS name). A login must name one of these or the listening address (docs/protocol.md).
   */
  publicUrls: string[];
  access: { policy: AccessPolicy; otpSender: OtpSenderConfig; otpMaxAttempts: number; otpTtlSeconds: number };
  blobTtlSeconds: number;
  blobQuota: BlobQuota;
  attachments: { maxBytes: number; quotaBytes: number; ttlSeconds: number };
  turn: { urls: string[]; stunUrls: string[]; secret?: string; ttlSeconds: number };
  rateLimits: {
    perConnection: RateLimit;
    perIdentity: RateLimit;
    /** Every event a not yet authenticated connection sends, per client address. */
    authPerAddress: RateLimit;
    /** Failed `auth` attempts per client address; successes do not count. */
    authFailuresPerAddress: RateLimit;
    /** Failed `auth` attempts per claimed identity, whatever address they come from. */
    authFailuresPerIdentity: RateLimit;
    /** New identities admitted per client address on an `open` relay (identities are free otherwise). */
    admissionsPerAddress: RateLimit;
  };
  /**
   * Addresses of reverse proxies whose `X-Forwarded-For` is believed; the client address is the right-most
   * entry that is not one of them. Empty: the TCP peer address is the client's, and the header is ignored.
   */
  trustedProxies: string[];
  /** Offline blob payloads plus attachment bytes on the whole relay; deposits and uploads past it fail. */
  storageMaxBytes: number;
  /** How long a delivery record (the sender's `blob:delivered` notice) is kept when never acknowledged. */
  deliveryRecordTtlSeconds: number;
  /**
   * `prekeys:fetch` budgets: per requesting identity, and per target identity whoever asks (many Sybil
   * identities together drain a target's one-time prekeys no faster than this). RATE_LIMITED beyond.
   */
  prekeyFetchLimits: { perRequester: RateLimit; perTarget: RateLimit };
  /** Challenge lifetime; a challenge is also single-use. */
  challengeTtlSeconds: number;
  tokenTtlSeconds: number;
  /**
   * The group-call SFU beside this relay: its public URL (handed to clients in `/v1/relay` and with each join
   * token) and how long a join token lives. Without a URL, `sfu:token` answers UNAVAILABLE.
   */
  sfu: { url?: string; tokenTtlSeconds: number };
  /** Directory of the built web client, served at `/` when present. */
  webRoot?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export const LOG_LEVELS: ReadonlyArray<RelayConfig['logLevel']> = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

const DAY = 24 * 60 * 60;

/**
 * RelayConfig's optional settings that have no default, by dotted path, with their kind: the configuration file
 * (config-file.node.ts) learns every other setting from defaultConfig()'s shape, so a new option with a default
 * needs nothing more; a new optional one without a default is listed here.
 */
export const OPTIONAL_SETTINGS: Readonly<
  Record<string, 'string' | 'number' | 'boolean' | 'string[]' | 'table'>
> = {
  redisAdapterUrl: 'string',
  webRoot: 'string',
  'store.url': 'string',
  'access.otpSender.url': 'string',
  'access.otpSender.secret': 'string',
  'turn.secret': 'string',
  redisCluster: 'boolean',
  redisAdapterMode: 'string',
  tls: 'table',
  'tls.certFile': 'string',
  'tls.keyFile': 'string',
};

/** Settings that are file system paths: in a configuration file they are relative to the file's folder. */
export const PATH_SETTINGS: readonly string[] = ['dataDir', 'webRoot', 'tls.certFile', 'tls.keyFile'];

/**
 * Every connection, identity and auth limit at `points` per `windowSeconds`: for test rigs and benches, which
 * send bursts no real client would. Written once, so a limit added here is raised in every rig too.
 */
export function uniformRateLimits(points: number, windowSeconds = 1): RelayConfig['rateLimits'] {
  const limit = (): RateLimit => ({ points, windowSeconds });
  return {
    perConnection: limit(),
    perIdentity: limit(),
    authPerAddress: limit(),
    authFailuresPerAddress: limit(),
    authFailuresPerIdentity: limit(),
    admissionsPerAddress: limit(),
  };
}

export function defaultConfig(overrides: Partial<RelayConfig> = {}): RelayConfig {
  return {
    port: 7777,
    host: '0.0.0.0',
    dataDir: './data',
    store: { kind: 'sqlite' },
    allowedOrigins: [],
    publicUrls: [],
    access: { policy: 'open', otpSender: { kind: 'console' }, otpMaxAttempts: 5, otpTtlSeconds: 600 },
    blobTtlSeconds: 30 * DAY,
    blobQuota: { maxBlobs: 100_000, maxBytes: 1024 * 1024 * 1024 },
    attachments: {
      maxBytes: 4 * 1024 * 1024 * 1024,
      quotaBytes: 10 * 1024 * 1024 * 1024,
      ttlSeconds: 30 * DAY,
    },
    turn: { urls: [], stunUrls: [], ttlSeconds: DAY },
    // Long enough to connect and join, short enough that a leaked token is soon worthless.
    sfu: { tokenTtlSeconds: 60 },
    rateLimits: {
      perConnection: { points: 200, windowSeconds: 1 },
      perIdentity: { points: 500, windowSeconds: 1 },
      authPerAddress: { points: 50, windowSeconds: 10 },
      authFailuresPerAddress: { points: 20, windowSeconds: 60 },
      authFailuresPerIdentity: { points: 10, windowSeconds: 60 },
      admissionsPerAddress: { points: 100, windowSeconds: 60 * 60 },
    },
    prekeyFetchLimits: {
      perRequester: { points: 60, windowSeconds: 60 },
      perTarget: { points: 30, windowSeconds: 60 },
    },
    trustedProxies: [],
    storageMaxBytes: 100 * 1024 * 1024 * 1024,
    deliveryRecordTtlSeconds: 7 * DAY,
    challengeTtlSeconds: 30,
    tokenTtlSeconds: DAY,
    logLevel: 'info',
    ...overrides,
  };
}
