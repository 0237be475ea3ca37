import { createHash } from 'node:crypto';
import { ParleyError, isErrorCode } from '@parley/core';
import { Command } from 'ioredis';
import type { RedisClient } from './client.node.js';

export type LuaArg = string | number | Buffer;

/**
 * A Lua script run atomically by Redis: nothing else runs between its commands, which is how one-time
 * prekeys, invites and usernames are handed out once even with several relay processes on one Redis.
 * Scripts get their key prefix as ARGV[1] and build their keys from it. The prefix is also declared as the
 * script's one key, which routes the script on a Redis Cluster: there it carries a hash tag (keys.node.ts),
 * so every key a script builds lives in that one slot, as Cluster requires. Sent by SHA and re-sent in full only when the server does not know it yet (after a restart).
 */
export class LuaScript {
  readonly #sha: string;

  constructor(private readonly source: string) {
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs with string replies. Scripts fail with `redis.error_reply('<ErrorCode>')` to throw that ParleyError. */
  run(redis: RedisClient, args: LuaArg[]): Promise<unknown> {
    return this.#call(redis, args, false);
  }

  /** Runs with Buffer replies, for scripts that return payloads. */
  runBuffers(redis: RedisClient, args: LuaArg[]): Promise<unknown> {
    return this.#call(redis, args, true);
  }

  async #call(redis: RedisClient, args: LuaArg[], buffers: boolean): Promise<unknown> {
    const [prefix] = args;
    if (typeof prefix !== 'string') throw new Error('a Lua script takes the key prefix first');
    const send = (name: 'evalsha' | 'eval', script: string): Promise<unknown> => {
      const command = new Command(name, [script, 1, prefix, ...args], {
        replyEncoding: buffers ? null : 'utf8',
      });
      void redis.sendCommand(command);
      return command.promise;
    };
    try {
      return await send('evalsha', this.#sha);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
        return translate(() => send('eval', this.source));
      }
      throw toParleyError(error);
    }
  }
}

async function translate(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return await call();
  } catch (error) {
    throw toParleyError(error);
  }
}

/** Redis reports `redis.error_reply('CODE')` as "ERR CODE" (plus script details on some versions). */
function toParleyError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const code = error.message.replace(/^ERR /, '').split(/\s/)[0];
  return isErrorCode(code) ? new ParleyError(code, MESSAGES[code] ?? code) : error;
}

const MESSAGES: Partial<Record<string, string>> = {
  USERNAME_TAKEN: 'the username is taken',
  QUOTA_EXCEEDED: 'over the quota on this relay',
  CONFLICT: 'an attachment with this hash exists with another size',
  NOT_FOUND: 'no such record',
  ACCESS_DENIED: 'another identity uploaded this attachment',
};

/** Redis replies strings (or Buffers from runBuffers); both read back as text here. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString();
  throw new Error(`unexpected Redis reply ${String(value)}`);
}

export function list(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  throw new Error('expected an array reply from Redis');
}
