import type { RedisClient } from './client.node.js';
import type { StoreLifecycle } from '../lifecycle.js';
import type { KeySpace } from './keys.node.js';
import type { PresenceStore, PresenceVisibility, SecretStore } from '../types.js';

export class RedisPresenceStore implements PresenceStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySpace,
    private readonly lifecycle: StoreLifecycle,
  ) {}

  async setVisibility(identity: string, visibility: PresenceVisibility): Promise<void> {
    this.lifecycle.check();
    const allow = JSON.stringify(visibility.allow);
    await this.redis.hset(
      this.#key(identity),
      'allow',
      allow,
      'lastSeenVisible',
      visibility.lastSeen ? 1 : 0,
    );
  }

  async getVisibility(identity: string): Promise<PresenceVisibility | null> {
    this.lifecycle.check();
    const [allow, lastSeen] = await this.redis.hmget(this.#key(identity), 'allow', 'lastSeenVisible');
    // The hash may exist only for lastSeen; visibility counts as unset until setVisibility wrote it.
    if (allow === null || allow === undefined) return null;
    return { allow: JSON.parse(allow) as string[], lastSeen: lastSeen === '1' };
  }

  async setLastSeen(identity: string, at: number): Promise<void> {
    this.lifecycle.check();
    await this.redis.hset(this.#key(identity), 'lastSeen', at);
  }

  async getLastSeen(identity: string): Promise<number | null> {
    this.lifecycle.check();
    const at = await this.redis.hget(this.#key(identity), 'lastSeen');
    return at === null ? null : Number(at);
  }

  #key(identity: string): string {
    return `${this.keys.of(identity)}presence:${identity}`;
  }
}

export class RedisSecretStore implements SecretStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySpace,
    private readonly lifecycle: StoreLifecycle,
  ) {}

  async getOrCreate(name: string, create: () => Uint8Array): Promise<Uint8Array> {
    this.lifecycle.check();
    const key = `${this.keys.shared}secret:${name}`;
    const existing = await this.redis.getBuffer(key);
    if (existing) return new Uint8Array(existing);
    const fresh = create();
    // NX: when two processes race, the first SET wins and both read back its bytes.
    await this.redis.set(key, Buffer.from(fresh), 'NX');
    const stored = await this.redis.getBuffer(key);
    if (!stored) throw new Error(`secret ${name} vanished right after it was written`);
    return new Uint8Array(stored);
  }
}
