import type { RedisClient } from './client.node.js';
import type { StoreLifecycle } from '../lifecycle.js';
import type { KeySpace } from './keys.node.js';
import type { PresenceStore, PresenceVisibility, SecretStore } from '../types.js';
import { LuaScript } from './lua.node.js';

const SET_LAST_SEEN = new LuaScript(`
if redis.call('HGET', ARGV[1], 'lastSeenVisible') == '1' then redis.call('HSET', ARGV[1], 'lastSeen', ARGV[2]) end
return 0
`);

export class RedisPresenceStore implements PresenceStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySpace,
    private readonly lifecycle: StoreLifecycle,
  ) {}

  async setVisibility(identity: string, visibility: PresenceVisibility): Promise<void> {
    this.lifecycle.check();
    const key = this.#key(identity);
    if (visibility.allow.length === 0 && !visibility.lastSeen) {
      await this.redis.del(key);
      return;
    }
    const write = this.redis
      .multi()
      .hset(key, 'allow', JSON.stringify(visibility.allow), 'lastSeenVisible', visibility.lastSeen ? 1 : 0);
    if (!visibility.lastSeen) write.hdel(key, 'lastSeen');
    await write.exec();
  }

  async getVisibility(identity: string): Promise<PresenceVisibility | null> {
    this.lifecycle.check();
    const [allow, lastSeen] = await this.redis.hmget(this.#key(identity), 'allow', 'lastSeenVisible');
    if (allow === null || allow === undefined) return null;
    return { allow: JSON.parse(allow) as string[], lastSeen: lastSeen === '1' };
  }

  async setLastSeen(identity: string, at: number): Promise<void> {
    this.lifecycle.check();
    // Only for identities that share it: nobody else's last connection time is written anywhere.
    await SET_LAST_SEEN.run(this.redis, [this.#key(identity), at]);
  }

  async getLastSeen(identity: string): Promise<number | null> {
    this.lifecycle.check();
    const [visible, at] = await this.redis.hmget(this.#key(identity), 'lastSeenVisible', 'lastSeen');
    return visible === '1' && at !== null && at !== undefined ? Number(at) : null;
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
