import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import {
  defaultConfig,
  LOG_LEVELS,
  POLICIES,
  type AccessPolicy,
  type RedisAdapterMode,
  type RelayConfig,
} from './config.js';

export { ConfigError };

/** What commander hands over: every option as typed text, repeatable ones as lists. Flags win over env. */
export interface CliFlags {
  config?: string;
  port?: string;
  host?: string;
  dataDir?: string;
  store?: string;
  redisUrl?: string;
  redisCluster?: boolean;
  redisAdapter?: string;
  policy?: string;
  otpWebhook?: string;
  otpWebhookSecret?: string;
  allowedOrigin?: string[];
  publicUrl?: string[];
  turnUrl?: string[];
  turnSecret?: string;
  stunUrl?: string[];
  blobTtlDays?: string;
  attachmentMaxMb?: string;
  attachmentQuotaMb?: string;
  attachmentTtlDays?: string;
  webRoot?: string;
  logLevel?: string;
  trustedProxy?: string[];
  storageMaxMb?: string;
  deliveryRecordDays?: string;
  admissionsPerHour?: string;
  tlsCert?: string;
  tlsKey?: string;
  sfuUrl?: string;
}

/** Each setting's environment variable, documented in docs/relay-operations.md. */
export const ENV = {
  config: 'PARLEY_CONFIG',
  port: 'PORT',
  host: 'HOST',
  dataDir: 'PARLEY_DATA_DIR',
  store: 'PARLEY_STORE',
  redisUrl: 'PARLEY_REDIS_URL',
  redisCluster: 'PARLEY_REDIS_CLUSTER',
  redisAdapter: 'PARLEY_REDIS_ADAPTER',
  policy: 'PARLEY_POLICY',
  otpWebhook: 'PARLEY_OTP_WEBHOOK',
  otpWebhookSecret: 'PARLEY_OTP_WEBHOOK_SECRET',
  allowedOrigin: 'PARLEY_ALLOWED_ORIGINS',
  publicUrl: 'PARLEY_PUBLIC_URLS',
  turnUrl: 'PARLEY_TURN_URLS',
  turnSecret: 'PARLEY_TURN_SECRET',
  stunUrl: 'PARLEY_STUN_URLS',
  blobTtlDays: 'PARLEY_BLOB_TTL_DAYS',
  attachmentMaxMb: 'PARLEY_ATTACHMENT_MAX_MB',
  attachmentQuotaMb: 'PARLEY_ATTACHMENT_QUOTA_MB',
  attachmentTtlDays: 'PARLEY_ATTACHMENT_TTL_DAYS',
  webRoot: 'PARLEY_WEB_ROOT',
  logLevel: 'PARLEY_LOG_LEVEL',
  trustedProxy: 'PARLEY_TRUSTED_PROXIES',
  storageMaxMb: 'PARLEY_STORAGE_MAX_MB',
  deliveryRecordDays: 'PARLEY_DELIVERY_RECORD_DAYS',
  admissionsPerHour: 'PARLEY_ADMISSIONS_PER_HOUR',
  tlsCert: 'PARLEY_TLS_CERT',
  tlsKey: 'PARLEY_TLS_KEY',
  sfuUrl: 'PARLEY_SFU_URL',
} as const satisfies Record<keyof CliFlags, string>;

const DAY = 24 * 60 * 60;
const MB = 1024 * 1024;

/**
 * Where the relay keeps its data when nothing says otherwise, the same whichever folder it is started from:
 * systemd's StateDirectory (`$STATE_DIRECTORY`) under a service manager, else the XDG data folder
 * (`$XDG_DATA_HOME/parley-relay`, by default `~/.local/share/parley-relay`).
 */
export function defaultDataDir(env: Record<string, string | undefined>): string {
  const state = env['STATE_DIRECTORY']?.split(':')[0];
  if (state) return state;
  const xdg = env['XDG_DATA_HOME'];
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.local', 'share'), 'parley-relay');
}

/**
 * Maps CLI flags and environment variables over `base` (the defaults, or what a configuration file set) to a
 * RelayConfig. Pure (no I/O), so every rule is unit-tested; throws ConfigError naming the setting for anything
 * invalid rather than guessing. Relative paths are taken from where the operator ran the command: npm runs
 * scripts in the package folder but says where it was started in INIT_CWD.
 */
export function configFromFlags(
  flags: CliFlags,
  env: Record<string, string | undefined>,
  base: RelayConfig = defaultConfig(),
): RelayConfig {
  const cwd = env['INIT_CWD'] ?? process.cwd();
  const path = (value: string | undefined) => (value === undefined ? undefined : resolve(cwd, value));
  const text = (
    key: Exclude<
      keyof CliFlags,
      'allowedOrigin' | 'publicUrl' | 'turnUrl' | 'stunUrl' | 'trustedProxy' | 'config' | 'redisCluster'
    >,
  ): string | undefined => {
    const value = flags[key] ?? env[ENV[key]];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  /** A repeatable flag, else its comma-listed variable, else undefined (keep the base's list). */
  const list = (
    key: 'allowedOrigin' | 'publicUrl' | 'turnUrl' | 'stunUrl' | 'trustedProxy',
  ): string[] | undefined => {
    const values = flags[key]?.length ? flags[key] : env[ENV[key]]?.split(',');
    const cleaned = values?.map((value) => value.trim()).filter(Boolean);
    return cleaned?.length ? cleaned : undefined;
  };
  const port = integer('port', text('port') ?? String(base.port), 0, 65_535) ?? base.port;
  const redisUrl = text('redisUrl') ?? (base.store.kind === 'redis' ? base.store.url : undefined);
  const storeKind = text('store') ?? (text('redisUrl') ? 'redis' : base.store.kind);
  if (storeKind !== 'sqlite' && storeKind !== 'redis') throw new ConfigError('store must be sqlite or redis');
  if (storeKind === 'redis' && !redisUrl)
    throw new ConfigError('--store redis needs --redis-url (or PARLEY_REDIS_URL)');
  const redisCluster = flags.redisCluster ?? /^(1|true|yes)$/i.test(env[ENV.redisCluster]?.trim() ?? '');
  // A Cluster is named by its seed nodes, comma-separated; a single Redis by one URL.
  for (const each of redisCluster && redisUrl ? redisUrl.split(',') : redisUrl ? [redisUrl] : [])
    url('redis-url', each.trim(), ['redis:', 'rediss:']);
  if (redisCluster && !redisUrl)
    throw new ConfigError('--redis-cluster needs --redis-url (or PARLEY_REDIS_URL)');
  // A configuration file's value is a plain string until checked here, like a flag's.
  const redisAdapter = text('redisAdapter') ?? base.redisAdapterMode;
  if (redisAdapter !== undefined && redisAdapter !== 'classic' && redisAdapter !== 'sharded')
    throw new ConfigError(
      `redis-adapter (redisAdapterMode in a config file) must be classic or sharded (got ${JSON.stringify(redisAdapter)})`,
    );
  const tlsCert = text('tlsCert');
  const tlsKey = text('tlsKey');
  if ((tlsCert === undefined) !== (tlsKey === undefined))
    throw new ConfigError('--tls-cert and --tls-key go together');

  const policy = text('policy') ?? base.access.policy;
  if (!POLICIES.includes(policy as AccessPolicy)) throw new ConfigError('policy must be open, invite or otp');
  const baseSender = base.access.otpSender;
  const webhook = text('otpWebhook') ?? (baseSender.kind === 'webhook' ? baseSender.url : undefined);
  if (webhook) url('otp-webhook', webhook, ['http:', 'https:']);
  const webhookSecret =
    text('otpWebhookSecret') ?? (baseSender.kind === 'webhook' ? baseSender.secret : undefined);
  if (webhookSecret && !webhook) throw new ConfigError('--otp-webhook-secret needs --otp-webhook');

  const allowedOrigins = list('allowedOrigin') ?? base.allowedOrigins;
  for (const origin of allowedOrigins) {
    if (origin !== '*') url('allowed-origin', origin, ['http:', 'https:']);
  }
  const publicUrls = list('publicUrl') ?? base.publicUrls;
  for (const publicUrl of publicUrls) url('public-url', publicUrl, ['http:', 'https:', 'ws:', 'wss:']);
  const turnUrls = list('turnUrl') ?? base.turn.urls;
  for (const turn of turnUrls) {
    if (!/^turns?:/.test(turn))
      throw new ConfigError(`turn-url must start with turn: or turns: (got ${turn})`);
  }
  const stunUrls = list('stunUrl') ?? base.turn.stunUrls;
  for (const stun of stunUrls) {
    if (!/^stuns?:/.test(stun))
      throw new ConfigError(`stun-url must start with stun: or stuns: (got ${stun})`);
  }
  const turnSecret = text('turnSecret') ?? base.turn.secret;
  if (turnUrls.length > 0 && !turnSecret)
    throw new ConfigError('--turn-url needs --turn-secret (or PARLEY_TURN_SECRET)');

  const logLevel = text('logLevel') ?? base.logLevel;
  if (!LOG_LEVELS.includes(logLevel as RelayConfig['logLevel'])) {
    throw new ConfigError(`log-level must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const days = (key: 'blobTtlDays' | 'attachmentTtlDays', fallback: number) => {
    const value = integer(
      key === 'blobTtlDays' ? 'blob-ttl-days' : 'attachment-ttl-days',
      text(key),
      1,
      3650,
    );
    return value === undefined ? fallback : value * DAY;
  };
  const megabytes = (key: 'attachmentMaxMb' | 'attachmentQuotaMb', fallback: number) => {
    const name = key === 'attachmentMaxMb' ? 'attachment-max-mb' : 'attachment-quota-mb';
    const value = integer(name, text(key), 1, 1024 * 1024);
    return value === undefined ? fallback : value * MB;
  };
  const webRoot = path(text('webRoot')) ?? base.webRoot;
  const sfuUrl = text('sfuUrl');
  if (sfuUrl !== undefined) url('sfu-url', sfuUrl, ['http:', 'https:']);
  const trustedProxies = list('trustedProxy') ?? base.trustedProxies;
  for (const proxy of trustedProxies) {
    if (isIP(proxy) === 0) throw new ConfigError(`trusted-proxy must be an IP address (got ${proxy})`);
  }
  const storageMaxMb = integer('storage-max-mb', text('storageMaxMb'), 1, 1024 * 1024 * 1024);
  const deliveryRecordDays = integer('delivery-record-days', text('deliveryRecordDays'), 1, 365);
  const admissionsPerHour = integer('admissions-per-hour', text('admissionsPerHour'), 1, 1_000_000);
  const { webRoot: _baseWebRoot, redisAdapterUrl: baseAdapterUrl, ...rest } = base;

  const redisStore = storeKind === 'redis' && redisUrl !== undefined;
  // One Redis serves both roles unless a file names another adapter: the shared store and Socket.IO's adapter.
  const adapterUrl = baseAdapterUrl ?? (redisStore ? redisUrl : undefined);
  return {
    ...rest,
    port,
    host: text('host') ?? base.host,
    dataDir: path(text('dataDir')) ?? base.dataDir,
    store: redisStore ? { kind: 'redis', url: redisUrl } : { kind: 'sqlite' },
    ...(adapterUrl !== undefined ? { redisAdapterUrl: adapterUrl } : {}),
    ...(redisCluster ? { redisCluster } : {}),
    ...(redisAdapter ? { redisAdapterMode: redisAdapter as RedisAdapterMode } : {}),
    ...(tlsCert && tlsKey ? { tls: { certFile: resolve(cwd, tlsCert), keyFile: resolve(cwd, tlsKey) } } : {}),
    allowedOrigins,
    publicUrls,
    access: {
      ...base.access,
      policy: policy as AccessPolicy,
      otpSender: webhook
        ? { kind: 'webhook', url: webhook, ...(webhookSecret ? { secret: webhookSecret } : {}) }
        : { kind: 'console' },
    },
    blobTtlSeconds: days('blobTtlDays', base.blobTtlSeconds),
    attachments: {
      ...base.attachments,
      maxBytes: megabytes('attachmentMaxMb', base.attachments.maxBytes),
      quotaBytes: megabytes('attachmentQuotaMb', base.attachments.quotaBytes),
      ttlSeconds: days('attachmentTtlDays', base.attachments.ttlSeconds),
    },
    turn: { ...base.turn, urls: turnUrls, stunUrls, ...(turnSecret ? { secret: turnSecret } : {}) },
    ...(webRoot ? { webRoot } : {}),
    trustedProxies,
    storageMaxBytes: storageMaxMb === undefined ? base.storageMaxBytes : storageMaxMb * MB,
    deliveryRecordTtlSeconds:
      deliveryRecordDays === undefined ? base.deliveryRecordTtlSeconds : deliveryRecordDays * DAY,
    rateLimits: {
      ...base.rateLimits,
      ...(admissionsPerHour === undefined
        ? {}
        : { admissionsPerAddress: { points: admissionsPerHour, windowSeconds: 60 * 60 } }),
    },
    logLevel: logLevel as RelayConfig['logLevel'],
    sfu: { ...base.sfu, ...(sfuUrl ? { url: sfuUrl } : {}) },
  };
}

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`${name} must be an integer ${min}-${max}`);
  }
  return parsed;
}

function url(name: string, value: string, protocols: string[]): void {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be a URL (got ${value})`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')} (got ${value})`);
  }
}
