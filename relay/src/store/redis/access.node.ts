import type { Redis } from 'ioredis';
import type { StoreLifecycle } from '../lifecycle.js';
import type { AccessStore, OtpCheck } from '../types.js';
import { LuaScript, text } from './lua.node.js';

const REDEEM = new LuaScript(`
local key = ARGV[1]..'invite:'..ARGV[2]
local f = redis.call('HMGET', key, 'uses', 'expiresAt')
if not f[1] or tonumber(f[1]) <= 0 or tonumber(f[2]) <= tonumber(ARGV[3]) then return 0 end
if redis.call('HINCRBY', key, 'uses', -1) <= 0 then
  redis.call('DEL', key)
  redis.call('ZREM', ARGV[1]..'otp-expiry', 'i '..ARGV[2])
end
return 1
`);

// A locked address stays locked even for the right code: otherwise guessing would just continue.
const CHECK_OTP = new LuaScript(`
local key = ARGV[1]..'otp:'..ARGV[2]
local f = redis.call('HMGET', key, 'code', 'expiresAt', 'wrong')
if not f[1] then return 'invalid' end
if tonumber(f[2]) <= tonumber(ARGV[4]) then return 'expired' end
if tonumber(f[3]) >= tonumber(ARGV[5]) then return 'locked' end
if f[1] == ARGV[3] then
  redis.call('DEL', key)
  return 'ok'
end
redis.call('HINCRBY', key, 'wrong', 1)
return 'invalid'
`);

const COUNT_SEND = new LuaScript(`
local key = ARGV[1]..'otp-sends:'..ARGV[2]
local window = redis.call('HGET', key, 'window')
redis.call('ZADD', ARGV[1]..'otp-expiry', ARGV[3], 's '..ARGV[2])
if not window or tonumber(window) < tonumber(ARGV[3]) then
  redis.call('HSET', key, 'window', ARGV[3], 'sends', 1)
  return 1
end
return redis.call('HINCRBY', key, 'sends', 1)
`);

// otp-expiry holds "c <address>" scored by the code's expiry, "s <address>" by its send window's start and
// "i <token hash>" by the invite's expiry.
const EXPIRE_OTP = new LuaScript(`
local p = ARGV[1]
local function sweep(kind, prefix, before)
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', p..'otp-expiry', '-inf', before)) do
    if string.sub(member, 1, 2) == kind..' ' then
      redis.call('DEL', p..prefix..string.sub(member, 3))
      redis.call('ZREM', p..'otp-expiry', member)
    end
  end
end
sweep('c', 'otp:', ARGV[2])
sweep('i', 'invite:', ARGV[2])
sweep('s', 'otp-sends:', '('..ARGV[3])
return 0
`);

export class RedisAccessStore implements AccessStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly lifecycle: StoreLifecycle,
  ) {}

  async isAdmitted(identityHash: string): Promise<boolean> {
    this.lifecycle.check();
    return (await this.redis.sismember(`${this.prefix}admitted-hashes`, identityHash)) === 1;
  }

  async admit(identityHash: string): Promise<void> {
    this.lifecycle.check();
    // No admission time: when someone joined is not something delivery needs.
    await this.redis.sadd(`${this.prefix}admitted-hashes`, identityHash);
  }

  async createInvite(tokenHash: string, uses: number, expiresAt: number): Promise<void> {
    this.lifecycle.check();
    await this.redis.hset(`${this.prefix}invite:${tokenHash}`, 'uses', uses, 'expiresAt', expiresAt);
    await this.redis.zadd(`${this.prefix}otp-expiry`, expiresAt, `i ${tokenHash}`);
  }

  async redeemInvite(tokenHash: string, now: number): Promise<boolean> {
    this.lifecycle.check();
    return Number(await REDEEM.run(this.redis, [this.prefix, tokenHash, now])) === 1;
  }

  async saveOtp(address: string, codeHash: string, expiresAt: number): Promise<void> {
    this.lifecycle.check();
    await this.redis.hset(
      `${this.prefix}otp:${address}`,
      'code',
      codeHash,
      'expiresAt',
      expiresAt,
      'wrong',
      0,
    );
    await this.redis.zadd(`${this.prefix}otp-expiry`, expiresAt, `c ${address}`);
  }

  async checkOtp(address: string, codeHash: string, now: number, maxAttempts: number): Promise<OtpCheck> {
    this.lifecycle.check();
    return text(
      await CHECK_OTP.run(this.redis, [this.prefix, address, codeHash, now, maxAttempts]),
    ) as OtpCheck;
  }

  async countOtpSend(address: string, windowStart: number): Promise<number> {
    this.lifecycle.check();
    return Number(await COUNT_SEND.run(this.redis, [this.prefix, address, windowStart]));
  }

  async expire(now: number, sendWindowStart: number): Promise<void> {
    this.lifecycle.check();
    await EXPIRE_OTP.run(this.redis, [this.prefix, now, sendWindowStart]);
  }
}
