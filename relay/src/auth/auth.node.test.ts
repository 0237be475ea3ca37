import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { authChallengeMessage, toBase64Url } from '@parley/core';
import { newChallenge, verifyChallengeAnswer } from './challenge.node.js';
import { ed25519SignerFromSeed, verifyEd25519 } from './ed25519.node.js';
import { generateOtpCode } from './otp.node.js';
import { createTokenIssuer } from './tokens.node.js';
import { turnGrant } from './turn.node.js';

describe('native Ed25519', () => {
  it('verifies tweetnacl signatures and signs what tweetnacl verifies', () => {
    const seed = nacl.randomBytes(32);
    const pair = nacl.sign.keyPair.fromSeed(seed);
    const signer = ed25519SignerFromSeed(seed);
    expect(signer.publicKey).toEqual(pair.publicKey);
    const message = new TextEncoder().encode('hello');
    expect(verifyEd25519(pair.publicKey, message, nacl.sign.detached(message, pair.secretKey))).toBe(true);
    expect(nacl.sign.detached.verify(message, signer.sign(message), pair.publicKey)).toBe(true);
  });

  it('rejects tampered messages and malformed keys without throwing', () => {
    const pair = nacl.sign.keyPair();
    const message = new Uint8Array([1, 2, 3]);
    const signature = nacl.sign.detached(message, pair.secretKey);
    expect(verifyEd25519(pair.publicKey, new Uint8Array([1, 2, 4]), signature)).toBe(false);
    expect(verifyEd25519(new Uint8Array(31), message, signature)).toBe(false);
    expect(verifyEd25519(pair.publicKey, message, new Uint8Array(64))).toBe(false);
  });

  it('refuses the small-order key whose one signature fits every challenge, which OpenSSL alone accepts', () => {
    // A = the identity point, R = the identity point, S = 0: [S]B = R + [k]A holds for every message k.
    const identityPoint = new Uint8Array(32);
    identityPoint[0] = 1;
    const universal = new Uint8Array(64);
    universal[0] = 1;
    for (const text of ['challenge one', 'challenge two']) {
      expect(verifyEd25519(identityPoint, new TextEncoder().encode(text), universal)).toBe(false);
    }
  });

  it('refuses a non-canonical signature (S + L) of a genuine key', () => {
    const pair = nacl.sign.keyPair();
    const message = new Uint8Array([9]);
    const signature = nacl.sign.detached(message, pair.secretKey);
    const L = (1n << 252n) + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 63; i >= 32; i -= 1) s = (s << 8n) | BigInt(signature[i] ?? 0);
    let forged = s + L;
    const malleated = signature.slice();
    for (let i = 32; i < 64; i += 1) {
      malleated[i] = Number(forged & 0xffn);
      forged >>= 8n;
    }
    expect(nacl.sign.detached.verify(message, malleated, pair.publicKey)).toBe(true);
    expect(verifyEd25519(pair.publicKey, message, malleated)).toBe(false);
  });
});

describe('auth challenges', () => {
  const pair = nacl.sign.keyPair();
  const identity = toBase64Url(pair.publicKey);
  const challenge = newChallenge(() => new Uint8Array(32).fill(7), 1_000, 30);
  const relayKey = new Uint8Array(32).fill(3);
  const relay = { key: relayKey, hosts: new Set(['relay-h.example']) };
  const signFor = (host: string) =>
    toBase64Url(
      nacl.sign.detached(
        authChallengeMessage(challenge.nonce, pair.publicKey, relayKey, host),
        pair.secretKey,
      ),
    );
  const answer = signFor('relay-h.example');
  const answerOf = (who: string, signature = answer, relayHost = 'relay-h.example') => ({
    identity: who,
    signature,
    relayHost,
  });

  it('accepts the owner’s signature before the challenge expires', () => {
    expect(() => verifyChallengeAnswer(challenge, answerOf(identity), relay, 31_000)).not.toThrow();
  });

  it('refuses an answer signed for another relay host, whichever host it claims', () => {
    const forE = signFor('relay-e.example');
    for (const host of ['relay-e.example', 'relay-h.example']) {
      expect(() => verifyChallengeAnswer(challenge, answerOf(identity, forE, host), relay, 2_000)).toThrow(
        expect.objectContaining({ code: 'AUTH_FAILED' }),
      );
    }
  });

  it('refuses a late answer, an answer for another identity, and an answer with no challenge', () => {
    expect(() => verifyChallengeAnswer(challenge, answerOf(identity), relay, 31_001)).toThrow(
      expect.objectContaining({ code: 'CHALLENGE_EXPIRED' }),
    );
    const other = toBase64Url(nacl.sign.keyPair().publicKey);
    expect(() => verifyChallengeAnswer(challenge, answerOf(other), relay, 2_000)).toThrow(
      expect.objectContaining({ code: 'AUTH_FAILED' }),
    );
    expect(() => verifyChallengeAnswer(undefined, answerOf(identity), relay, 2_000)).toThrow(
      expect.objectContaining({ code: 'AUTH_FAILED' }),
    );
  });
});

describe('HTTP bearer tokens', () => {
  it('are accepted until they expire and refused when altered', () => {
    const issuer = createTokenIssuer(new Uint8Array(32).fill(1), 60_000);
    const { token, expiresAt } = issuer.issue('alice', 1_000);
    expect(expiresAt).toBe(61_000);
    expect(issuer.verify(token, 60_999)).toBe('alice');
    expect(() => issuer.verify(token, 61_000)).toThrow(expect.objectContaining({ code: 'AUTH_FAILED' }));
    expect(() => issuer.verify(token.replace('alice', 'mallory'), 2_000)).toThrow();
    expect(() => createTokenIssuer(new Uint8Array(32), 60_000).verify(token, 2_000)).toThrow();
  });
});

describe('TURN grants', () => {
  const base = { urls: [], stunUrls: [], ttlSeconds: 3600 };

  it('are empty when no STUN or TURN server is configured', () => {
    expect(turnGrant(base, 'alice', 0)).toEqual({ iceServers: [], expiresAt: 3_600_000 });
  });

  it('carry coturn REST credentials that expire with the grant', () => {
    const grant = turnGrant({ ...base, urls: ['turns:turn.example:5349'], secret: 'shh' }, 'alice', 10_000);
    const username = `${Math.floor((10_000 + 3_600_000) / 1000)}:alice`;
    expect(grant.iceServers).toEqual([
      {
        urls: ['turns:turn.example:5349'],
        username,
        credential: createHmac('sha1', 'shh').update(username).digest('base64'),
      },
    ]);
  });
});

describe('one-time codes', () => {
  it('are six digits, leading zeros included, and skip the biased top of the random range', () => {
    const draws = [new Uint8Array([0xff, 0xff, 0xff, 0xff]), new Uint8Array([0, 0, 0, 42])];
    expect(generateOtpCode(() => draws.shift() ?? new Uint8Array(4))).toBe('000042');
  });
});
