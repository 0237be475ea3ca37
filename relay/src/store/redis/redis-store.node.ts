import { randomBytes } from 'node:crypto';
import { keyedHash, METADATA_KEY_NAME } from '../keyed-hash.node.js';
import { StoreLifecycle } from '../lifecycle.js';
import type { RelayStore } from '../types.js';
import { RedisAccessStore } from './access.node.js';
import { RedisAttachmentStore } from './attachments.node.js';
import { RedisBlobStore } from './blobs.node.js';
import { connectRedis, type RedisClient } from './client.node.js';
import { clusterKeys, singleNodeKeys, type KeySpace } from './keys.node.js';
import { RedisDirectoryStore } from './directory.node.js';
import { RedisPresenceStore, RedisSecretStore } from './presence.node.js';

export interface RedisStoreOptions {
  /** redis://host:port/db of a single Redis node, or with `cluster` comma-separated seeds of a Cluster. */
  url: string;
  cluster?: boolean;
  /**
   * Every key starts with it, so tests and deployments sharing one Redis stay apart. Default `parley:`. On a
   * Cluster, keys get hash tags from it (keys.node.ts): one slot per identity, one for what is shared.
   */
  prefix?: string;
}

/**
 * The store for several relay processes sharing one Redis. Multi-step changes run as Lua scripts, so each is
 * atomic across processes; commands issued in the same tick share one round trip (auto-pipelining).
 * A method resolves once Redis acknowledged the write: how durable that is depends on the server's
 * persistence settings — run it with `appendonly yes` (and `appendfsync everysec` or `always`), or a restart
 * of Redis loses whatever it held only in memory.
 */
export class RedisRelayStore implements RelayStore {
  readonly directory: RedisDirectoryStore;
  readonly access: RedisAccessStore;
  readonly blobs: RedisBlobStore;
  readonly attachments: RedisAttachmentStore;
  readonly presence: RedisPresenceStore;
  readonly secrets: RedisSecretStore;
  readonly #redis: RedisClient;
  readonly #lifecycle = new StoreLifecycle('Redis');

  constructor(redis: RedisClient, keys: KeySpace) {
    this.#redis = redis;
    const parts = [redis, keys, this.#lifecycle] as const;
    this.directory = new RedisDirectoryStore(...parts);
    this.access = new RedisAccessStore(...parts);
    this.blobs = new RedisBlobStore(...parts);
    this.attachments = new RedisAttachmentStore(...parts);
    this.presence = new RedisPresenceStore(...parts);
    this.secrets = new RedisSecretStore(...parts);
  }

  /** Redis frees a deleted key's memory itself; its AOF is rewritten by the server's own policy. */
  async compact(): Promise<void> {
    this.#lifecycle.check();
  }

  async close(): Promise<void> {
    if (!this.#lifecycle.markClosed()) return;
    // QUIT is queued behind commands already sent, so writes in flight still complete.
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}

export async function openRedisStore(options: RedisStoreOptions): Promise<RelayStore> {
  const redis = await connectRedis(options, { enableAutoPipelining: true });
  const prefix = options.prefix ?? 'parley:';
  const store = new RedisRelayStore(redis, options.cluster ? clusterKeys(prefix) : singleNodeKeys(prefix));
  // Cluster support came after keyed admissions: only a single node can hold the old clear-text hash.
  if (!options.cluster) await upgradeAdmitted(redis, prefix, store);
  return store;
}

/**
 * Before issue 10 admitted identities were a hash of identity → time, readable by anyone with the dump;
 * they become keyed hashes, rewritten here once, so nobody admitted loses admission.
 */
async function upgradeAdmitted(redis: RedisClient, prefix: string, store: RelayStore): Promise<void> {
  const old = `${prefix}admitted`;
  if ((await redis.exists(old)) === 0) return;
  const key = await store.secrets.getOrCreate(METADATA_KEY_NAME, () => new Uint8Array(randomBytes(32)));
  const identities = await redis.hkeys(old);
  const hashes = identities.map((identity) => keyedHash(key, 'admitted', identity));
  if (hashes.length > 0) await redis.sadd(`${prefix}admitted-hashes`, ...hashes);
  await redis.del(old);
}
