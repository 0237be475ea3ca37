import { createHash } from 'node:crypto';
import { ParleyError, isErrorCode } from '@parley/core';
import { Command, type Redis } from 'ioredis';

export type LuaArg = string | number | Buffer;

/**
 * A Lua script run atomically by Redis: nothing else runs between its commands, which is how one-time
 * prekeys, invites and usernames are handed out once even with several relay processes on one Redis.
 * Scripts get the key prefix as ARGV[1] and build their keys from it, so they need a single Redis node,
 * not Cluster. Sent by SHA and re-sent in full only when the server does not know it yet (after a restart).
 */
export class LuaScript {
  readonly #sha: string;

  constructor(private readonly source: string) {
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs with string replies. Scripts fail with `redis.error_reply('<ErrorCode>')` to throw that ParleyError. */
  run(redis: Redis, args: LuaArg[]): Promise<unknown> {
    return this.#call(redis, args, false);
  }

  /** Runs with Buffer replies, for scripts that return payloads. */
  runBuffers(redis: Redis, args: LuaArg[]): Promise<unknown> {
    return this.#call(redis, args, true);
  }

  async #call(redis: Redis, args: LuaArg[], buffers: boolean): Promise<unknown> {
    const send = (name: 'evalsha' | 'eval', script: string): Promise<unknown> => {
      const command = new Command(name, [script, 0, ...args], { replyEncoding: buffers ? null : 'utf8' });
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
