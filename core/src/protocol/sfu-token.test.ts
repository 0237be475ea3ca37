import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from './encoding.js';
import { checkSfuToken, encodeSfuToken, sfuTokenMessage } from './sfu-token.js';

const relay = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(1));
const verify = (message: Uint8Array, signature: Uint8Array) =>
  nacl.sign.detached.verify(message, signature, relay.publicKey);
const body = {
  v: 1 as const,
  identity: toBase64Url(new Uint8Array(32).fill(2)),
  room: toBase64Url(new Uint8Array(32).fill(3)),
  exp: 1_000_000,
};
const token = encodeSfuToken(body, (message) => nacl.sign.detached(message, relay.secretKey));

describe('SFU join tokens', () => {
  it('round-trips a token the relay signed, until it expires', () => {
    expect(checkSfuToken(token, verify, 999_999)).toEqual({ ok: true, body });
    expect(checkSfuToken(token, verify, 1_000_000)).toEqual({ ok: false, reason: 'token expired' });
  });

  it('signs the domain label, so no other signature of the relay key passes as a token', () => {
    const [bodyText = ''] = token.split('.');
    const bare = nacl.sign.detached(fromBase64Url(bodyText), relay.secretKey);
    expect(checkSfuToken(`${bodyText}.${toBase64Url(bare)}`, verify, 0).ok).toBe(false);
    expect(sfuTokenMessage(new Uint8Array([1]))).toEqual(
      new Uint8Array([...new TextEncoder().encode('parley/sfu-join/v1'), 0, 1]),
    );
  });

  it('refuses a changed body, another key’s signature and malformed text', () => {
    const [, signature = ''] = token.split('.');
    const otherRoom = toBase64Url(
      new TextEncoder().encode(JSON.stringify({ ...body, room: toBase64Url(new Uint8Array(32)) })),
    );
    expect(checkSfuToken(`${otherRoom}.${signature}`, verify, 0)).toEqual({
      ok: false,
      reason: 'token signature does not verify',
    });
    const stranger = nacl.sign.keyPair();
    const forged = encodeSfuToken(body, (message) => nacl.sign.detached(message, stranger.secretKey));
    expect(checkSfuToken(forged, verify, 0).ok).toBe(false);
    for (const junk of ['', 'a', 'a.b.c', '!!.??', `${'A'.repeat(600)}.x`]) {
      expect(checkSfuToken(junk, verify, 0).ok).toBe(false);
    }
  });

  it('refuses a signed body that is not exactly the token shape', () => {
    const sign = (text: string) => {
      const bytes = new TextEncoder().encode(text);
      return `${toBase64Url(bytes)}.${toBase64Url(nacl.sign.detached(sfuTokenMessage(bytes), relay.secretKey))}`;
    };
    expect(checkSfuToken(sign(JSON.stringify({ ...body, extra: 1 })), verify, 0)).toEqual({
      ok: false,
      reason: 'malformed token body',
    });
    expect(checkSfuToken(sign('not json'), verify, 0).ok).toBe(false);
  });
});
