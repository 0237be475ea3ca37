import type { FetchedBundle, PreKeyBundle, SignedDeviceList } from '@parley/core';
import { refuseUnlessNewer } from '../device-lists.js';
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

// device-list:<account> holds the current list; replaced only by a higher counter (refuseUnlessNewer decides
// the same in JavaScript from what a refusal returns, so both back ends give one error).
const PUBLISH_DEVICE_LIST = new LuaScript(`
local key = ARGV[1]..'device-list:'..ARGV[2]
local held = redis.call('HMGET', key, 'counter', 'signature')
if held[1] then
  local c, n = tonumber(held[1]), tonumber(ARGV[3])
  if n < c or (n == c and held[2] ~= ARGV[4]) then return {held[1], held[2]} end
  if n == c then return 'same' end
end
redis.call('HSET', key, 'counter', ARGV[3], 'signature', ARGV[4], 'list', ARGV[5])
return 'stored'
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

  async publishDeviceList(signed: SignedDeviceList): Promise<void> {
    this.lifecycle.check();
    const reply = await PUBLISH_DEVICE_LIST.run(this.redis, [
      this.keys.of(signed.account),
      signed.account,
      signed.counter,
      signed.signature,
      JSON.stringify(signed),
    ]);
    if (Array.isArray(reply)) {
      const [counter, signature] = list(reply);
      refuseUnlessNewer({ counter: Number(text(counter)), signature: text(signature) }, signed);
    }
  }

  async deviceList(account: string): Promise<SignedDeviceList | null> {
    this.lifecycle.check();
    const json = await this.redis.hget(`${this.keys.of(account)}device-list:${account}`, 'list');
    // Written by publishDeviceList from a list the relay had verified.
    return json === null ? null : (JSON.parse(json) as SignedDeviceList);
  }
}
