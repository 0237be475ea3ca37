import { randomBytes } from 'node:crypto';
import { ParleyError, type DeliveryNotice } from '@parley/core';
import type { RedisClient } from './client.node.js';
import type { KeySpace } from './keys.node.js';
import { unique, type StoreLifecycle } from '../lifecycle.js';
import type { BlobQuota, BlobStore, DepositRecord, RecallOutcome, StoredBlob } from '../types.js';
import { list, LuaScript, text } from './lua.node.js';

/*
 * Layout under the prefix:
 *   blob:<id>        hash: sender, payload, size, depositedAt, expiresAt, seq, waiting, and per recipient
 *                    w:<recipient> while undelivered, p:<recipient> once pushed to a socket, d:<recipient> once
 *                    acknowledged while other copies still wait. Deleted with its last copy.
 *   inbox:<r>        sorted set of the recipient's undelivered ids, scored by the global blob-seq (deposit order)
 *   blob-expiry      sorted set of every blob id by expiresAt, swept by expire(now)
 *   usage:<sender>   hash: copies, bytes (the sender's quota), deleted when both are 0; blob-stats: blobs, bytes
 *   notices:<s>      sorted set of "id recipient" by delivery order; notice-at:<s> their delivery times;
 *   notice-expiry    sorted set of "sender id recipient" by the time the notice is forgotten unacknowledged
 * Times come from the caller's clock (tests inject one), so no key gets a Redis TTL: expire(now) removes them.
 * Redis deletes a hash or sorted set when its last field goes, so nothing lingers once delivery is done.
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

const RELEASE = `
local function release(p, sender, copies, size, gone)
  local usage = p..'usage:'..sender
  local c = redis.call('HINCRBY', usage, 'copies', 0 - copies)
  local b = redis.call('HINCRBY', usage, 'bytes', 0 - size)
  if c <= 0 and b <= 0 then redis.call('DEL', usage) end
  if gone then
    redis.call('HINCRBY', p..'blob-stats', 'blobs', -1)
    redis.call('HINCRBY', p..'blob-stats', 'bytes', 0 - size)
  end
end
local function forget(p, id)
  redis.call('DEL', p..'blob:'..id)
  redis.call('ZREM', p..'blob-expiry', id)
end
`;

const MARK_PUSHED = new LuaScript(`
local p, r = ARGV[1], ARGV[2]
for i = 3, #ARGV do
  local key = p..'blob:'..ARGV[i]
  if redis.call('HEXISTS', key, 'w:'..r) == 1 then redis.call('HSET', key, 'p:'..r, 1) end
end
return 0
`);

const ACK = new LuaScript(`${RELEASE}
local p, r, now, keep = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local out = {}
for i = 5, #ARGV do
  local id = ARGV[i]
  local key = p..'blob:'..id
  if redis.call('HDEL', key, 'w:'..r) == 1 then
    redis.call('HDEL', key, 'p:'..r)
    redis.call('ZREM', p..'inbox:'..r, id)
    local sender = redis.call('HGET', key, 'sender')
    if redis.call('HINCRBY', key, 'waiting', -1) <= 0 then
      release(p, sender, 1, tonumber(redis.call('HGET', key, 'size')), true)
      forget(p, id)
    else
      redis.call('HSET', key, 'd:'..r, 1)
      release(p, sender, 1, 0, false)
    end
    local member = id..' '..r
    redis.call('ZADD', p..'notices:'..sender, redis.call('INCR', p..'notice-seq'), member)
    redis.call('HSET', p..'notice-at:'..sender, member, now)
    redis.call('ZADD', p..'notice-expiry', keep, sender..' '..member)
    out[#out + 1] = id
    out[#out + 1] = sender
  end
end
return out
`);

const RECALL = new LuaScript(`${RELEASE}
local p, sender, id = ARGV[1], ARGV[2], ARGV[3]
local key = p..'blob:'..id
local notified = {}
for _, member in ipairs(redis.call('ZRANGE', p..'notices:'..sender, 0, -1)) do
  local space = string.find(member, ' ', 1, true)
  if string.sub(member, 1, space - 1) == id then notified[#notified + 1] = string.sub(member, space + 1) end
end
if redis.call('HGET', key, 'sender') ~= sender then
  if #notified == 0 then return false end
  return {{}, {}, notified}
end
local recalled, pushed, delivered = {}, {}, notified
local waiting = 0
for _, field in ipairs(redis.call('HKEYS', key)) do
  local kind, who = string.sub(field, 1, 2), string.sub(field, 3)
  if kind == 'w:' then
    waiting = waiting + 1
    redis.call('ZREM', p..'inbox:'..who, id)
    if redis.call('HEXISTS', key, 'p:'..who) == 1 then pushed[#pushed + 1] = who
    else recalled[#recalled + 1] = who end
  elseif kind == 'd:' then
    delivered[#delivered + 1] = who
  end
end
release(p, sender, waiting, tonumber(redis.call('HGET', key, 'size')), true)
forget(p, id)
return {recalled, pushed, delivered}
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
    redis.call('ZREM', p..'notice-expiry', s..' '..ARGV[i])
    removed = removed + 1
  end
end
return removed
`);

const EXPIRE_NOTICES = new LuaScript(`
local p = ARGV[1]
local members = redis.call('ZRANGEBYSCORE', p..'notice-expiry', '-inf', ARGV[2], 'LIMIT', 0, ARGV[3])
for _, member in ipairs(members) do
  local space = string.find(member, ' ', 1, true)
  local sender, rest = string.sub(member, 1, space - 1), string.sub(member, space + 1)
  redis.call('ZREM', p..'notices:'..sender, rest)
  redis.call('HDEL', p..'notice-at:'..sender, rest)
  redis.call('ZREM', p..'notice-expiry', member)
end
return #members
`);

const EXPIRE = new LuaScript(`${RELEASE}
local p = ARGV[1]
local ids = redis.call('ZRANGEBYSCORE', p..'blob-expiry', '-inf', ARGV[2], 'LIMIT', 0, ARGV[3])
local removed = 0
for _, id in ipairs(ids) do
  local key = p..'blob:'..id
  local sender = redis.call('HGET', key, 'sender')
  if sender then
    local waiting = 0
    for _, field in ipairs(redis.call('HKEYS', key)) do
      if string.sub(field, 1, 2) == 'w:' then
        waiting = waiting + 1
        redis.call('ZREM', p..'inbox:'..string.sub(field, 3), id)
      end
    end
    release(p, sender, waiting, tonumber(redis.call('HGET', key, 'size')), true)
    removed = removed + 1
  end
  forget(p, id)
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

  async markPushed(recipient: string, ids: string[]): Promise<void> {
    this.lifecycle.check();
    if (ids.length === 0) return;
    await MARK_PUSHED.run(this.redis, [this.keys.shared, recipient, ...ids]);
  }

  async ack(
    recipient: string,
    ids: string[],
    now: number,
    noticeExpiresAt: number,
  ): Promise<Array<{ id: string; sender: string }>> {
    this.lifecycle.check();
    if (ids.length === 0) return [];
    const reply = list(
      await ACK.run(this.redis, [this.keys.shared, recipient, now, noticeExpiresAt, ...unique(ids)]),
    );
    const changed: Array<{ id: string; sender: string }> = [];
    for (let i = 0; i + 1 < reply.length; i += 2)
      changed.push({ id: text(reply[i]), sender: text(reply[i + 1]) });
    return changed;
  }

  async recall(sender: string, id: string): Promise<RecallOutcome | null> {
    this.lifecycle.check();
    const reply = await RECALL.run(this.redis, [this.keys.shared, sender, id]);
    if (reply === null) return null;
    const [recalledFor, pushedTo, deliveredTo] = list(reply);
    return {
      recalledFor: list(recalledFor).map(text),
      pushedTo: list(pushedTo).map(text),
      deliveredTo: unique(list(deliveredTo).map(text)),
    };
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
    while (
      Number(await EXPIRE_NOTICES.run(this.redis, [this.keys.shared, now, EXPIRE_BATCH])) === EXPIRE_BATCH
    );
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
