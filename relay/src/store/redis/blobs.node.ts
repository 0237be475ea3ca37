import { randomBytes } from 'node:crypto';
import { ParleyError, type DeliveryNotice } from '@parley/core';
import type { RedisClient } from './client.node.js';
import type { KeySpace } from './keys.node.js';
import { unique, type StoreLifecycle } from '../lifecycle.js';
import type { BlobQuota, BlobStore, DepositRecord, RecallOutcome, StoredBlob } from '../types.js';
import { list, LuaScript, text } from './lua.node.js';

/*
 * Layout under the prefix:
 *   blob:<id>        hash: sender, payload (dropped once nobody waits), size, depositedAt, expiresAt, seq,
 *                    waiting, and a field per recipient: w:<recipient> while undelivered, d:<recipient> = time
 *   inbox:<r>        sorted set of the recipient's undelivered ids, scored by the global blob-seq (deposit order)
 *   blob-expiry      sorted set of every blob id by expiresAt, swept by expire(now)
 *   usage:<sender>   hash: copies, bytes (the sender's quota); blob-stats: blobs, bytes
 *   notices:<s>      sorted set of "id recipient" by delivery order; notice-at:<s> their delivery times
 * Times come from the caller's clock (tests inject one), so no key gets a Redis TTL: expire(now) removes them.
 */

const DEPOSIT = new LuaScript(`
local p, id, sender, size = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[5])
local n = #ARGV - 9
local usage = p..'usage:'..sender
local u = redis.call('HMGET', usage, 'copies', 'bytes')
if tonumber(u[1] or '0') + n > tonumber(ARGV[8]) or tonumber(u[2] or '0') + size > tonumber(ARGV[9]) then
  return redis.error_reply('QUOTA_EXCEEDED')
end
local seq = redis.call('INCR', p..'blob-seq')
local key = p..'blob:'..id
redis.call('HSET', key, 'sender', sender, 'payload', ARGV[4], 'size', ARGV[5], 'depositedAt', ARGV[6],
  'expiresAt', ARGV[7], 'seq', seq, 'waiting', n)
for i = 10, #ARGV do
  redis.call('HSET', key, 'w:'..ARGV[i], 1)
  redis.call('ZADD', p..'inbox:'..ARGV[i], seq, id)
end
redis.call('HINCRBY', usage, 'copies', n)
redis.call('HINCRBY', usage, 'bytes', size)
redis.call('ZADD', p..'blob-expiry', ARGV[7], id)
redis.call('HINCRBY', p..'blob-stats', 'blobs', 1)
redis.call('HINCRBY', p..'blob-stats', 'bytes', size)
return seq
`);

// An unknown afterId (its blob expired) restarts from the beginning: repeating a blob is safe, skipping is not.
const PENDING = new LuaScript(`
local p = ARGV[1]
local after = '-inf'
if ARGV[4] ~= '' then
  local seq = redis.call('HGET', p..'blob:'..ARGV[4], 'seq')
  if seq then after = '('..seq end
end
local ids = redis.call('ZRANGEBYSCORE', p..'inbox:'..ARGV[2], after, '+inf', 'LIMIT', 0, ARGV[3])
local out = {}
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', p..'blob:'..id, 'payload', 'depositedAt', 'expiresAt')
  if f[1] then
    out[#out + 1] = id
    out[#out + 1] = f[1]
    out[#out + 1] = f[2]
    out[#out + 1] = f[3]
  end
end
return out
`);

const ACK = new LuaScript(`
local p, r, now = ARGV[1], ARGV[2], ARGV[3]
local out = {}
for i = 4, #ARGV do
  local id = ARGV[i]
  local key = p..'blob:'..id
  if redis.call('HDEL', key, 'w:'..r) == 1 then
    redis.call('HSET', key, 'd:'..r, now)
    redis.call('ZREM', p..'inbox:'..r, id)
    local sender = redis.call('HGET', key, 'sender')
    local usage = p..'usage:'..sender
    redis.call('HINCRBY', usage, 'copies', -1)
    if redis.call('HINCRBY', key, 'waiting', -1) <= 0 then
      local size = tonumber(redis.call('HGET', key, 'size'))
      redis.call('HDEL', key, 'payload')
      redis.call('HINCRBY', usage, 'bytes', 0 - size)
      redis.call('HINCRBY', p..'blob-stats', 'blobs', -1)
      redis.call('HINCRBY', p..'blob-stats', 'bytes', 0 - size)
    end
    local member = id..' '..r
    redis.call('ZADD', p..'notices:'..sender, redis.call('INCR', p..'notice-seq'), member)
    redis.call('HSET', p..'notice-at:'..sender, member, now)
    out[#out + 1] = id
    out[#out + 1] = sender
  end
end
return out
`);

const RECALL = new LuaScript(`
local p, sender, id = ARGV[1], ARGV[2], ARGV[3]
local key = p..'blob:'..id
if redis.call('HGET', key, 'sender') ~= sender then return false end
local recalled, delivered = {}, {}
for _, field in ipairs(redis.call('HKEYS', key)) do
  local kind, who = string.sub(field, 1, 2), string.sub(field, 3)
  if kind == 'w:' then
    recalled[#recalled + 1] = who
    redis.call('HDEL', key, field)
    redis.call('ZREM', p..'inbox:'..who, id)
  elseif kind == 'd:' then
    delivered[#delivered + 1] = who
  end
end
if #recalled > 0 then
  local size = tonumber(redis.call('HGET', key, 'size'))
  redis.call('HDEL', key, 'payload')
  redis.call('HSET', key, 'waiting', 0)
  redis.call('HINCRBY', p..'usage:'..sender, 'copies', -#recalled)
  redis.call('HINCRBY', p..'usage:'..sender, 'bytes', 0 - size)
  redis.call('HINCRBY', p..'blob-stats', 'blobs', -1)
  redis.call('HINCRBY', p..'blob-stats', 'bytes', 0 - size)
end
return {recalled, delivered}
`);

const NOTICES = new LuaScript(`
local p, s = ARGV[1], ARGV[2]
local out = {}
for _, member in ipairs(redis.call('ZRANGE', p..'notices:'..s, 0, tonumber(ARGV[3]) - 1)) do
  out[#out + 1] = member
  out[#out + 1] = redis.call('HGET', p..'notice-at:'..s, member)
end
return out
`);

const ACK_NOTICES = new LuaScript(`
local p, s = ARGV[1], ARGV[2]
local removed = 0
for i = 3, #ARGV do
  if redis.call('ZREM', p..'notices:'..s, ARGV[i]) == 1 then
    redis.call('HDEL', p..'notice-at:'..s, ARGV[i])
    removed = removed + 1
  end
end
return removed
`);

const EXPIRE = new LuaScript(`
local p = ARGV[1]
local ids = redis.call('ZRANGEBYSCORE', p..'blob-expiry', '-inf', ARGV[2], 'LIMIT', 0, ARGV[3])
local removed = 0
for _, id in ipairs(ids) do
  local key = p..'blob:'..id
  local sender = redis.call('HGET', key, 'sender')
  if sender then
    local waiting = 0
    for _, field in ipairs(redis.call('HKEYS', key)) do
      local kind, who = string.sub(field, 1, 2), string.sub(field, 3)
      if kind == 'w:' then
        waiting = waiting + 1
        redis.call('ZREM', p..'inbox:'..who, id)
      elseif kind == 'd:' then
        redis.call('ZREM', p..'notices:'..sender, id..' '..who)
        redis.call('HDEL', p..'notice-at:'..sender, id..' '..who)
      end
    end
    if waiting > 0 then
      local size = tonumber(redis.call('HGET', key, 'size'))
      redis.call('HINCRBY', p..'usage:'..sender, 'copies', -waiting)
      redis.call('HINCRBY', p..'usage:'..sender, 'bytes', 0 - size)
      redis.call('HINCRBY', p..'blob-stats', 'blobs', -1)
      redis.call('HINCRBY', p..'blob-stats', 'bytes', 0 - size)
      removed = removed + 1
    end
    redis.call('DEL', key)
  end
  redis.call('ZREM', p..'blob-expiry', id)
end
return {#ids, removed}
`);

/** Expired blobs are removed this many per script, so one sweep never blocks Redis for long. */
const EXPIRE_BATCH = 500;

export class RedisBlobStore implements BlobStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySpace,
    private readonly lifecycle: StoreLifecycle,
  ) {}

  async deposit(record: DepositRecord, quota: BlobQuota): Promise<{ id: string }> {
    this.lifecycle.check();
    const recipients = unique(record.recipients);
    if (recipients.length === 0) throw new ParleyError('BAD_REQUEST', 'a blob needs at least one recipient');
    // Random rather than a counter: unique across processes and reveals no traffic volume.
    const id = randomBytes(16).toString('base64url');
    const payload = Buffer.from(record.payload.buffer, record.payload.byteOffset, record.payload.byteLength);
    await DEPOSIT.run(this.redis, [
      this.keys.shared,
      id,
      record.sender,
      payload,
      record.payload.byteLength,
      record.depositedAt,
      record.expiresAt,
      quota.maxBlobs,
      quota.maxBytes,
      ...recipients,
    ]);
    return { id };
  }

  async pending(recipient: string, limit: number, afterId?: string): Promise<StoredBlob[]> {
    this.lifecycle.check();
    const reply = list(
      await PENDING.runBuffers(this.redis, [this.keys.shared, recipient, limit, afterId ?? '']),
    );
    const blobs: StoredBlob[] = [];
    for (let i = 0; i + 3 < reply.length; i += 4) {
      const payload = reply[i + 1] as Buffer;
      blobs.push({
        id: text(reply[i]),
        payload: new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength),
        depositedAt: Number(text(reply[i + 2])),
        expiresAt: Number(text(reply[i + 3])),
      });
    }
    return blobs;
  }

  async ack(recipient: string, ids: string[], now: number): Promise<Array<{ id: string; sender: string }>> {
    this.lifecycle.check();
    if (ids.length === 0) return [];
    const reply = list(await ACK.run(this.redis, [this.keys.shared, recipient, now, ...unique(ids)]));
    const changed: Array<{ id: string; sender: string }> = [];
    for (let i = 0; i + 1 < reply.length; i += 2)
      changed.push({ id: text(reply[i]), sender: text(reply[i + 1]) });
    return changed;
  }

  async recall(sender: string, id: string): Promise<RecallOutcome | null> {
    this.lifecycle.check();
    const reply = await RECALL.run(this.redis, [this.keys.shared, sender, id]);
    if (reply === null) return null;
    const [recalledFor, deliveredTo] = list(reply);
    return { recalledFor: list(recalledFor).map(text), deliveredTo: list(deliveredTo).map(text) };
  }

  async notices(sender: string, limit: number): Promise<DeliveryNotice[]> {
    this.lifecycle.check();
    if (limit <= 0) return [];
    const reply = list(await NOTICES.run(this.redis, [this.keys.shared, sender, limit]));
    const notices: DeliveryNotice[] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const [id = '', recipient = ''] = text(reply[i]).split(' ');
      notices.push({ id, recipient, deliveredAt: Number(text(reply[i + 1])) });
    }
    return notices;
  }

  async ackNotices(sender: string, notices: Array<{ id: string; recipient: string }>): Promise<number> {
    this.lifecycle.check();
    if (notices.length === 0) return 0;
    const members = unique(notices.map((notice) => `${notice.id} ${notice.recipient}`));
    return Number(await ACK_NOTICES.run(this.redis, [this.keys.shared, sender, ...members]));
  }

  async expire(now: number): Promise<number> {
    this.lifecycle.check();
    let removed = 0;
    for (;;) {
      const [seen, gone] = list(await EXPIRE.run(this.redis, [this.keys.shared, now, EXPIRE_BATCH])).map(
        Number,
      );
      removed += gone ?? 0;
      if ((seen ?? 0) < EXPIRE_BATCH) return removed;
    }
  }

  async stats(): Promise<{ blobs: number; bytes: number }> {
    this.lifecycle.check();
    const [blobs, bytes] = await this.redis.hmget(`${this.keys.shared}blob-stats`, 'blobs', 'bytes');
    return { blobs: Number(blobs ?? 0), bytes: Number(bytes ?? 0) };
  }
}
