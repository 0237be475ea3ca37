import type { FetchedBundle, PreKeyBundle } from '@parley/core';
import type { RedisClient } from './client.node.js';
import type { KeySpace } from './keys.node.js';
import type { StoreLifecycle } from '../lifecycle.js';
import type { DirectoryStore } from '../types.js';
import { list, LuaScript, text } from './lua.node.js';

// prekeys:<id> is a sorted set of "keyId publicKey" scored by keyId; prekeys-seen:<id> remembers every keyId
// ever published, so a republished one is ignored even after it was handed out.
const PUBLISH = new LuaScript(`
local p, id = ARGV[1], ARGV[2]
redis.call('HSET', p..'bundle:'..id, 'dhKey', ARGV[3], 'dhSig', ARGV[4], 'spkId', ARGV[5], 'spkPub', ARGV[6], 'spkSig', ARGV[7])
local seen, keys = p..'prekeys-seen:'..id, p..'prekeys:'..id
for i = 8, #ARGV, 2 do
  if redis.call('SADD', seen, ARGV[i]) == 1 then redis.call('ZADD', keys, ARGV[i], ARGV[i]..' '..ARGV[i + 1]) end
end
return redis.call('ZCARD', keys)
`);

const TAKE = new LuaScript(`
local p, id = ARGV[1], ARGV[2]
local b = redis.call('HMGET', p..'bundle:'..id, 'dhKey', 'dhSig', 'spkId', 'spkPub', 'spkSig')
if not b[1] then return false end
local keys = p..'prekeys:'..id
local popped = redis.call('ZPOPMIN', keys)
return {b[1], b[2], b[3], b[4], b[5], popped[1] or '', redis.call('ZCARD', keys)}
`);

const SET_USERNAME = new LuaScript(`
local p, id, name = ARGV[1], ARGV[2], ARGV[3]
local mine = p..'username-of:'..id
if name ~= '' then
  local owner = redis.call('GET', p..'username:'..name)
  if owner and owner ~= id then return redis.error_reply('USERNAME_TAKEN') end
end
local old = redis.call('GET', mine)
if old and old ~= name then redis.call('DEL', p..'username:'..old) end
if name == '' then
  redis.call('DEL', mine)
else
  redis.call('SET', p..'username:'..name, id)
  redis.call('SET', mine, name)
end
return 1
`);

export class RedisDirectoryStore implements DirectoryStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySpace,
    private readonly lifecycle: StoreLifecycle,
  ) {}

  async publish(bundle: PreKeyBundle): Promise<number> {
    this.lifecycle.check();
    const spk = bundle.signedPreKey;
    const keys = bundle.oneTimePreKeys.flatMap((key) => [key.keyId, key.publicKey]);
    const args = [bundle.identityDhKey, bundle.identityDhSignature, spk.keyId, spk.publicKey, spk.signature];
    return Number(
      await PUBLISH.run(this.redis, [this.keys.of(bundle.identityKey), bundle.identityKey, ...args, ...keys]),
    );
  }

  async take(identity: string): Promise<{ bundle: FetchedBundle; remaining: number } | null> {
    this.lifecycle.check();
    const reply = await TAKE.run(this.redis, [this.keys.of(identity), identity]);
    if (reply === null) return null;
    const [dhKey, dhSig, spkId, spkPub, spkSig, oneTime, remaining] = list(reply);
    const bundle: FetchedBundle = {
      identityKey: identity,
      identityDhKey: text(dhKey),
      identityDhSignature: text(dhSig),
      signedPreKey: { keyId: Number(text(spkId)), publicKey: text(spkPub), signature: text(spkSig) },
    };
    const [keyId, publicKey] = text(oneTime).split(' ');
    if (keyId && publicKey) bundle.oneTimePreKey = { keyId: Number(keyId), publicKey };
    return { bundle, remaining: Number(remaining) };
  }

  async setUsername(identity: string, username: string | null): Promise<void> {
    this.lifecycle.check();
    await SET_USERNAME.run(this.redis, [this.keys.shared, identity, username ?? '']);
  }

  async resolveUsername(username: string): Promise<string | null> {
    this.lifecycle.check();
    return this.redis.get(`${this.keys.shared}username:${username}`);
  }

  async remaining(identity: string): Promise<number | null> {
    this.lifecycle.check();
    const [published, count] = await Promise.all([
      this.redis.exists(`${this.keys.of(identity)}bundle:${identity}`),
      this.redis.zcard(`${this.keys.of(identity)}prekeys:${identity}`),
    ]);
    return published === 1 ? count : null;
  }
}
