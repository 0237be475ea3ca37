import type { RedisClient } from './client.node.js';
import type { KeySpace } from './keys.node.js';
import type { StoreLifecycle } from '../lifecycle.js';
import type { AccessStore, OtpCheck } from '../types.js';
import { LuaScript, text } from './lua.node.js';

const REDEEM = new LuaScript(`
local key = ARGV[1]..'invite:'..ARGV[2]
local f = redis.call('HMGET', key, 'uses', 'expiresAt')
if not f[1] or tonumber(f[1]) <= 0 or tonumber(f[2]) <= tonumber(ARGV[3]) then return 0 end
-- 2: that was the last use, the invite is gone (the caller drops it from the expiry index).
if redis.call('HINCRBY', key, 'uses', -1) <= 0 then
  redis.call('DEL', key)
  return 2
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
if not window or tonumber(window) < tonumber(ARGV[3]) then
  redis.call('HSET', key, 'window', ARGV[3], 'sends', 1)
  return 1
end
return redis.call('HINCRBY', key, 'sends', 1)
`);

/**
 * otp-expiry (in the shared slot) indexes what must be forgotten on time: "c <address>" scored by the code's
 * expiry, "s <address>" by its send window's start, "i <token hash>" by the invite's expiry. The sweep runs
 * one command per key, not one script, because on a Cluster those keys live in their owners' slots.
 */
const SWEEPS = [
  { kind: 'c', key: 'otp:' },
  { kind: 'i', key: 'invite:' },
  { kind: 's', key: 'otp-sends:' },
] as const;

export class RedisAccessStore implements AccessStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySpace,
    private readonly lifecycle: StoreLifecycle,
  ) {}

  async isAdmitted(identityHash: string): Promise<boolean> {
    this.lifecycle.check();
    return (await this.redis.sismember(`${this.keys.of(identityHash)}admitted-hashes`, identityHash)) === 1;
  }

  async admit(identityHash: string): Promise<void> {
    this.lifecycle.check();
    // No admission time: when someone joined is not something delivery needs.
    await this.redis.sadd(`${this.keys.of(identityHash)}admitted-hashes`, identityHash);
  }

  async createInvite(tokenHash: string, uses: number, expiresAt: number): Promise<void> {
    this.lifecycle.check();
    await this.redis.hset(
      `${this.keys.of(tokenHash)}invite:${tokenHash}`,
      'uses',
      uses,
      'expiresAt',
      expiresAt,
    );
    await this.#index(expiresAt, `i ${tokenHash}`);
  }

  async redeemInvite(tokenHash: string, now: number): Promise<boolean> {
    this.lifecycle.check();
    const outcome = Number(await REDEEM.run(this.redis, [this.keys.of(tokenHash), tokenHash, now]));
    if (outcome === 2) await this.redis.zrem(`${this.keys.shared}otp-expiry`, `i ${tokenHash}`);
    return outcome > 0;
  }

  async saveOtp(address: string, codeHash: string, expiresAt: number): Promise<void> {
    this.lifecycle.check();
    await this.redis.hset(
      `${this.keys.of(address)}otp:${address}`,
      'code',
      codeHash,
      'expiresAt',
      expiresAt,
      'wrong',
      0,
    );
    await this.#index(expiresAt, `c ${address}`);
  }

  async checkOtp(address: string, codeHash: string, now: number, maxAttempts: number): Promise<OtpCheck> {
    this.lifecycle.check();
    return text(
      await CHECK_OTP.run(this.redis, [this.keys.of(address), address, codeHash, now, maxAttempts]),
    ) as OtpCheck;
  }

  async countOtpSend(address: string, windowStart: number): Promise<number> {
    this.lifecycle.check();
    const sends = Number(await COUNT_SEND.run(this.redis, [this.keys.of(address), address, windowStart]));
    await this.#index(windowStart, `s ${address}`);
    return sends;
  }

  async expire(now: number, sendWindowStart: number): Promise<void> {
    this.lifecycle.check();
    const index = `${this.keys.shared}otp-expiry`;
    for (const { kind, key } of SWEEPS) {
      const before = kind === 's' ? `(${sendWindowStart}` : String(now);
      for (const member of await this.redis.zrangebyscore(index, '-inf', before)) {
        if (!member.startsWith(`${kind} `)) continue;
        const owner = member.slice(2);
        await this.redis.del(`${this.keys.of(owner)}${key}${owner}`);
        await this.redis.zrem(index, member);
      }
    }
  }

  #index(at: number, member: string): Promise<unknown> {
    return this.redis.zadd(`${this.keys.shared}otp-expiry`, at, member);
  }
}
