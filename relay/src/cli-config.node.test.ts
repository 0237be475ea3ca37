import { describe, expect, it } from 'vitest';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, configFromFlags, defaultDataDir } from './cli-config.node.js';
import { defaultConfig } from './config.js';

describe('configFromFlags', () => {
  it('gives the defaults when nothing is set', () => {
    expect(configFromFlags({}, {})).toEqual(defaultConfig());
  });

  it('maps trusted proxies, the storage ceiling, the delivery-record bound and the admission rate', () => {
    const config = configFromFlags(
      { trustedProxy: ['10.0.0.1', '::1'], storageMaxMb: '2048', deliveryRecordDays: '2' },
      { PARLEY_ADMISSIONS_PER_HOUR: '5' },
    );
    expect(config.trustedProxies).toEqual(['10.0.0.1', '::1']);
    expect(config.storageMaxBytes).toBe(2048 * 1024 * 1024);
    expect(config.deliveryRecordTtlSeconds).toBe(2 * 24 * 60 * 60);
    expect(config.rateLimits.admissionsPerAddress).toEqual({ points: 5, windowSeconds: 3600 });
    expect(configFromFlags({}, { PARLEY_TRUSTED_PROXIES: '10.0.0.1, 10.0.0.2' }).trustedProxies).toEqual([
      '10.0.0.1',
      '10.0.0.2',
    ]);
    expect(() => configFromFlags({ trustedProxy: ['proxy.example'] }, {})).toThrow(
      'trusted-proxy must be an IP address (got proxy.example)',
    );
    expect(() => configFromFlags({ deliveryRecordDays: '0' }, {})).toThrow(ConfigError);
  });

  it('reads PORT and PARLEY_DATA_DIR from the environment', () => {
    const config = configFromFlags({}, { PORT: '7788', PARLEY_DATA_DIR: '/tmp/x' });
    expect(config.port).toBe(7788);
    expect(config.dataDir).toBe('/tmp/x');
  });

  it('lets a flag win over its environment variable', () => {
    const config = configFromFlags(
      { port: '9000', policy: 'invite' },
      { PORT: '7788', PARLEY_POLICY: 'otp' },
    );
    expect(config.port).toBe(9000);
    expect(config.access.policy).toBe('invite');
  });

  it('rejects a port that is not an integer in range', () => {
    expect(() => configFromFlags({ port: 'abc' }, {})).toThrow(
      new ConfigError('port must be an integer 0-65535'),
    );
    expect(() => configFromFlags({}, { PORT: '70000' })).toThrow('port must be an integer 0-65535');
    expect(() => configFromFlags({ port: '-1' }, {})).toThrow(ConfigError);
  });

  it('uses one Redis for the store and the Socket.IO adapter', () => {
    const config = configFromFlags({ store: 'redis', redisUrl: 'redis://127.0.0.1:6379' }, {});
    expect(config.store).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:6379' });
    expect(config.redisAdapterUrl).toBe('redis://127.0.0.1:6379');
  });

  it('chooses Redis when only PARLEY_REDIS_URL is given, and SQLite when asked to', () => {
    expect(configFromFlags({}, { PARLEY_REDIS_URL: 'redis://127.0.0.1' }).store.kind).toBe('redis');
    const sqlite = configFromFlags({ store: 'sqlite' }, { PARLEY_REDIS_URL: 'redis://127.0.0.1' });
    expect(sqlite.store).toEqual({ kind: 'sqlite' });
    expect(sqlite.redisAdapterUrl).toBeUndefined();
  });

  it('refuses a Redis store without a URL and unknown store kinds', () => {
    expect(() => configFromFlags({ store: 'redis' }, {})).toThrow('--store redis needs --redis-url');
    expect(() => configFromFlags({ store: 'postgres' }, {})).toThrow('store must be sqlite or redis');
    expect(() => configFromFlags({ redisUrl: 'http://x' }, {})).toThrow(
      'redis-url must use redis: or rediss:',
    );
  });

  it('reads a Redis Cluster as comma-separated seed nodes, with the sharded adapter on request', () => {
    const seeds = 'redis://10.0.0.1:7000,redis://10.0.0.2:7000';
    const config = configFromFlags({ redisUrl: seeds, redisCluster: true, redisAdapter: 'sharded' }, {});
    expect(config.store).toEqual({ kind: 'redis', url: seeds });
    expect(config.redisCluster).toBe(true);
    expect(config.redisAdapterMode).toBe('sharded');
    const fromEnv = configFromFlags(
      {},
      { PARLEY_REDIS_URL: seeds, PARLEY_REDIS_CLUSTER: '1', PARLEY_REDIS_ADAPTER: 'classic' },
    );
    expect(fromEnv.redisCluster).toBe(true);
    expect(fromEnv.redisAdapterMode).toBe('classic');
    expect(() => configFromFlags({ redisCluster: true }, {})).toThrow('--redis-cluster needs --redis-url');
    expect(() => configFromFlags({ redisUrl: 'redis://a:1,http://b:2', redisCluster: true }, {})).toThrow(
      'redis-url must use redis: or rediss: (got http://b:2)',
    );
    expect(() => configFromFlags({ redisUrl: seeds, redisCluster: true, redisAdapter: 'fast' }, {})).toThrow(
      'must be classic or sharded (got "fast")',
    );
  });

  it('serves TLS only with both a certificate and a key', () => {
    const config = configFromFlags(
      { tlsCert: '/etc/parley/cert.pem' },
      { PARLEY_TLS_KEY: '/etc/parley/key.pem' },
    );
    expect(config.tls).toEqual({ certFile: '/etc/parley/cert.pem', keyFile: '/etc/parley/key.pem' });
    expect(() => configFromFlags({ tlsCert: '/etc/parley/cert.pem' }, {})).toThrow(
      '--tls-cert and --tls-key go together',
    );
  });

  it('maps the OTP webhook and refuses unknown policies', () => {
    const config = configFromFlags(
      { policy: 'otp', otpWebhook: 'https://sms.example/send', otpWebhookSecret: 's3cret' },
      {},
    );
    expect(config.access.otpSender).toEqual({
      kind: 'webhook',
      url: 'https://sms.example/send',
      secret: 's3cret',
    });
    expect(() => configFromFlags({ policy: 'closed' }, {})).toThrow('policy must be open, invite or otp');
    expect(() => configFromFlags({ otpWebhookSecret: 'x' }, {})).toThrow(
      '--otp-webhook-secret needs --otp-webhook',
    );
  });

  it('takes repeated flags or a comma list for origins, TURN and STUN', () => {
    const fromFlags = configFromFlags(
      {
        allowedOrigin: ['https://a.example', 'https://b.example'],
        turnUrl: ['turn:turn.example:3478', 'turns:turn.example:5349'],
        turnSecret: 'shared',
        stunUrl: ['stun:stun.example:3478'],
      },
      {},
    );
    expect(fromFlags.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(fromFlags.turn).toMatchObject({
      urls: ['turn:turn.example:3478', 'turns:turn.example:5349'],
      stunUrls: ['stun:stun.example:3478'],
      secret: 'shared',
    });
    const fromEnv = configFromFlags(
      {},
      { PARLEY_ALLOWED_ORIGINS: 'https://a.example, https://b.example', PARLEY_TURN_SECRET: 'x' },
    );
    expect(fromEnv.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(fromEnv.turn.secret).toBe('x');
  });

  it('refuses TURN without a secret and URLs of the wrong kind', () => {
    expect(() => configFromFlags({ turnUrl: ['turn:t.example'] }, {})).toThrow(
      '--turn-url needs --turn-secret',
    );
    expect(() => configFromFlags({ turnUrl: ['http://t.example'], turnSecret: 'x' }, {})).toThrow('turn-url');
    expect(() => configFromFlags({ stunUrl: ['turn:t.example'] }, {})).toThrow('stun-url');
    expect(() => configFromFlags({ allowedOrigin: ['not a url'] }, {})).toThrow(
      'allowed-origin must be a URL',
    );
  });

  it('converts days and megabytes', () => {
    const config = configFromFlags(
      { blobTtlDays: '7', attachmentMaxMb: '100', attachmentQuotaMb: '500', attachmentTtlDays: '2' },
      {},
    );
    expect(config.blobTtlSeconds).toBe(7 * 86_400);
    expect(config.attachments).toEqual({
      maxBytes: 100 * 1024 * 1024,
      quotaBytes: 500 * 1024 * 1024,
      ttlSeconds: 2 * 86_400,
    });
    expect(() => configFromFlags({ blobTtlDays: '0' }, {})).toThrow(
      'blob-ttl-days must be an integer 1-3650',
    );
  });

  it('sets the web root and log level, and refuses unknown levels', () => {
    const config = configFromFlags({ webRoot: '/srv/web', logLevel: 'debug', host: '127.0.0.1' }, {});
    expect(config).toMatchObject({ webRoot: '/srv/web', logLevel: 'debug', host: '127.0.0.1' });
    expect(() => configFromFlags({ logLevel: 'loud' }, {})).toThrow('log-level must be one of');
  });

  it('takes relative paths from the folder npm was started in, not the package folder it runs scripts in', () => {
    const config = configFromFlags({ dataDir: 'state', webRoot: './web' }, { INIT_CWD: '/home/op' });
    expect(config).toMatchObject({ dataDir: '/home/op/state', webRoot: '/home/op/web' });
  });

  it('keeps data in the documented folder when nothing says otherwise', () => {
    expect(defaultDataDir({ STATE_DIRECTORY: '/var/lib/parley-relay' })).toBe('/var/lib/parley-relay');
    expect(defaultDataDir({ XDG_DATA_HOME: '/home/op/.data' })).toBe('/home/op/.data/parley-relay');
    expect(defaultDataDir({})).toBe(join(homedir(), '.local', 'share', 'parley-relay'));
  });
});
