import { createHmac, timingSafeEqual } from 'node:crypto';
import { ParleyError } from '@parley/core';

/**
 * Bearer tokens for the HTTP endpoints, issued in the socket's auth ack: `v1.<identity>.<expiresAt>.<mac>`
 * with an HMAC-SHA256 under a secret every relay process shares, so any process accepts any process's token
 * without a lookup.
 */
export interface TokenIssuer {
  issue(identity: string, now: number): { token: string; expiresAt: number };
  /** Returns the identity, or throws AUTH_FAILED. */
  verify(token: string, now: number): string;
}

export function createTokenIssuer(secret: Uint8Array, ttlMs: number): TokenIssuer {
  const mac = (body: string) => createHmac('sha256', secret).update(body).digest('base64url');
  return {
    issue(identity, now) {
      const expiresAt = now + ttlMs;
      const body = `v1.${identity}.${expiresAt}`;
      return { token: `${body}.${mac(body)}`, expiresAt };
    },
    verify(token, now) {
      const parts = token.split('.');
      if (parts.length !== 4 || parts[0] !== 'v1') throw new ParleyError('AUTH_FAILED', 'malformed token');
      const [, identity = '', expiresText = '', given = ''] = parts;
      const expected = Buffer.from(mac(`v1.${identity}.${expiresText}`));
      const actual = Buffer.from(given);
      if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
        throw new ParleyError('AUTH_FAILED', 'token signature does not verify');
      }
      if (!(Number(expiresText) > now)) throw new ParleyError('AUTH_FAILED', 'token expired');
      return identity;
    },
  };
}
