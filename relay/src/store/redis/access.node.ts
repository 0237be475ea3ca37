import type { RedisClient } from './client.node.js';
import type { KeySpace } from './keys.node.js';
import type { StoreLifecycle } from '../lifecycle.js';
import type { AccessStore, OtpCheck } from '../types.js';
import { LuaScript, text } from './lua.node.js';

const REDEEM = new LuaScript(`
local key = ARGV[1]..'invite:'..ARGV[2]
local f = redis.call('HMGET', key, 'uses', 'expiresAt')
if not f[1] or tonumber(f[1]) <= 0 or tonumber(f[2]) <= tonumber(ARGV[3]) then return 0 end
redis.call('HINCRBY', key, 'uses', -1)
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

export class RedisAccessStore implements AccessStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySpace,
    private readonly lifecycle: StoreLifecycle,
  ) {}

  async isAdmitted(identity: string): Promise<boolean> {
    this.lifecycle.check();
    return (await this.redis.hexists(`${this.keys.of(identity)}admitted`, identity)) === 1;
  }

  async admit(identity: string, now: number): Promise<void> {
    this.lifecycle.check();
    // The first admission time is kept: it says when the identity joined.
    await this.redis.hsetnx(`${this.keys.of(identity)}admitted`, identity, now);
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
  }

  async redeemInvite(tokenHash: string, now: number): Promise<boolean> {
    this.lifecycle.check();
    return Number(await REDEEM.run(this.redis, [this.keys.of(tokenHash), tokenHash, now])) === 1;
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
  }

  async checkOtp(address: string, codeHash: string, now: number, maxAttempts: number): Promise<OtpCheck> {
    this.lifecycle.check();
    return text(
      await CHECK_OTP.run(this.redis, [this.keys.of(address), address, codeHash, now, maxAttempts]),
    ) as OtpCheck;
  }

  async countOtpSend(address: string, windowStart: number): Promise<number> {
    this.lifecycle.check();
    return Number(await COUNT_SEND.run(this.redis, [this.keys.of(address), address, windowStart]));
  }
}
