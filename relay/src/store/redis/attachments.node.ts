import type { RedisClient } from './client.node.js';
import type { KeySpace } from './keys.node.js';
import { unique, type StoreLifecycle } from '../lifecycle.js';
import type { AttachmentRecord, AttachmentStore } from '../types.js';
import { list, LuaScript, text } from './lua.node.js';

/*
 * att:<hash> hash (size, uploader, offset, complete, createdAt, expiresAt); att-waiting:<hash> set of
 * recipients; att-by:<uploader> set of hashes for the quota; att-expiry sorted set by expiresAt;
 * att-stats hash (count, bytes).
 */
const READ = `
local function read(p, h)
  local f = redis.call('HMGET', p..'att:'..h, 'size', 'uploader', 'offset', 'complete', 'createdAt', 'expiresAt')
  if not f[1] then return false end
  return {f[1], f[2], f[3], f[4], f[5], f[6], redis.call('SMEMBERS', p..'att-waiting:'..h)}
end
`;

const DELETE = `
local function delete(p, h)
  local key = p..'att:'..h
  local f = redis.call('HMGET', key, 'uploader', 'offset')
  if f[1] then
    redis.call('DEL', key, p..'att-waiting:'..h)
    redis.call('SREM', p..'att-by:'..f[1], h)
    redis.call('HINCRBY', p..'att-stats', 'count', -1)
    redis.call('HINCRBY', p..'att-stats', 'bytes', 0 - tonumber(f[2]))
  end
  redis.call('ZREM', p..'att-expiry', h)
end
`;

// The quota counts what the uploader still occupies: unfinished uploads and finished ones not yet fetched.
// Only its uploader may create it again (a retry): that adds recipients and may extend the expiry.
const CREATE = new LuaScript(`${READ}
local p, h, size, uploader = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local key = p..'att:'..h
local existing = redis.call('HMGET', key, 'size', 'expiresAt', 'uploader')
if existing[1] then
  if existing[3] ~= uploader then return redis.error_reply('ACCESS_DENIED') end
  if existing[1] ~= size then return redis.error_reply('CONFLICT') end
  if tonumber(ARGV[6]) > tonumber(existing[2]) then
    redis.call('HSET', key, 'expiresAt', ARGV[6])
    redis.call('ZADD', p..'att-expiry', ARGV[6], h)
  end
else
  local used = 0
  local mine = p..'att-by:'..uploader
  for _, other in ipairs(redis.call('SMEMBERS', mine)) do
    local f = redis.call('HMGET', p..'att:'..other, 'size', 'complete')
    if not f[1] then
      redis.call('SREM', mine, other)
    elseif f[2] ~= '1' or redis.call('SCARD', p..'att-waiting:'..other) > 0 then
      used = used + tonumber(f[1])
    end
  end
  if used + tonumber(size) > tonumber(ARGV[7]) then return redis.error_reply('QUOTA_EXCEEDED') end
  redis.call('HSET', key, 'size', size, 'uploader', uploader, 'offset', 0, 'complete', 0,
    'createdAt', ARGV[5], 'expiresAt', ARGV[6])
  redis.call('SADD', mine, h)
  redis.call('ZADD', p..'att-expiry', ARGV[6], h)
  redis.call('HINCRBY', p..'att-stats', 'count', 1)
end
for i = 8, #ARGV do redis.call('SADD', p..'att-waiting:'..h, ARGV[i]) end
return read(p, h)
`);

const GET = new LuaScript(`${READ}
return read(ARGV[1], ARGV[2])
`);

const SET_OFFSET = new LuaScript(`
local p, h = ARGV[1], ARGV[2]
local key = p..'att:'..h
local stored = redis.call('HGET', key, 'offset')
if not stored then return redis.error_reply('NOT_FOUND') end
local offset = tonumber(ARGV[3])
if offset > tonumber(stored) then
  redis.call('HSET', key, 'offset', ARGV[3])
  redis.call('HINCRBY', p..'att-stats', 'bytes', offset - tonumber(stored))
end
if ARGV[4] == '1' then redis.call('HSET', key, 'complete', 1) end
return 1
`);

const MARK_FETCHED = new LuaScript(`
local p, h = ARGV[1], ARGV[2]
if redis.call('EXISTS', p..'att:'..h) == 0 then return redis.error_reply('NOT_FOUND') end
redis.call('SREM', p..'att-waiting:'..h, ARGV[3])
return redis.call('SCARD', p..'att-waiting:'..h)
`);

const EXPIRE = new LuaScript(`${DELETE}
local p = ARGV[1]
local hashes = redis.call('ZRANGEBYSCORE', p..'att-expiry', '-inf', ARGV[2])
for _, h in ipairs(hashes) do delete(p, h) end
return hashes
`);

const REMOVE = new LuaScript(`${DELETE}
delete(ARGV[1], ARGV[2])
return 1
`);

export class RedisAttachmentStore implements AttachmentStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySpace,
    private readonly lifecycle: StoreLifecycle,
  ) {}

  async create(
    record: Omit<AttachmentRecord, 'offset' | 'complete' | 'waiting'> & { recipients: string[] },
    maxBytes: number,
  ): Promise<AttachmentRecord> {
    this.lifecycle.check();
    const reply = await CREATE.run(this.redis, [
      this.keys.shared,
      record.hash,
      record.size,
      record.uploader,
      record.createdAt,
      record.expiresAt,
      maxBytes,
      ...unique(record.recipients),
    ]);
    return parse(record.hash, reply) as AttachmentRecord;
  }

  async get(hash: string): Promise<AttachmentRecord | null> {
    this.lifecycle.check();
    return parse(hash, await GET.run(this.redis, [this.keys.shared, hash]));
  }

  async setOffset(hash: string, offset: number, complete: boolean): Promise<void> {
    this.lifecycle.check();
    await SET_OFFSET.run(this.redis, [this.keys.shared, hash, offset, complete ? 1 : 0]);
  }

  async markFetched(hash: string, recipient: string): Promise<boolean> {
    this.lifecycle.check();
    return Number(await MARK_FETCHED.run(this.redis, [this.keys.shared, hash, recipient])) === 0;
  }

  async expire(now: number): Promise<string[]> {
    this.lifecycle.check();
    return list(await EXPIRE.run(this.redis, [this.keys.shared, now])).map(text);
  }

  async remove(hash: string): Promise<void> {
    this.lifecycle.check();
    await REMOVE.run(this.redis, [this.keys.shared, hash]);
  }

  async stats(): Promise<{ attachments: number; bytes: number }> {
    this.lifecycle.check();
    const [count, bytes] = await this.redis.hmget(`${this.keys.shared}att-stats`, 'count', 'bytes');
    return { attachments: Number(count ?? 0), bytes: Number(bytes ?? 0) };
  }
}

function parse(hash: string, reply: unknown): AttachmentRecord | null {
  if (reply === null) return null;
  const [size, uploader, offset, complete, createdAt, expiresAt, waiting] = list(reply);
  return {
    hash,
    size: Number(text(size)),
    uploader: text(uploader),
    offset: Number(text(offset)),
    complete: text(complete) === '1',
    waiting: list(waiting).map(text),
    createdAt: Number(text(createdAt)),
    expiresAt: Number(text(expiresAt)),
  };
}
