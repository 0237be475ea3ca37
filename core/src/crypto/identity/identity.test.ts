import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../errors/index.js';
import { identityDhMessage } from '../../protocol/signed-messages.js';
import { nodeNativeBackend } from '../backend/native.node.js';
import { tweetnaclBackend } from '../backend/tweetnacl.js';
import {
  deserializeIdentity,
  generateIdentity,
  identityString,
  parseIdentityString,
  serializeIdentity,
  verifyPublicIdentity,
} from './identity.js';
import { isCanonicalSignature, verifySignature } from './strict-verify.js';

const L = (1n << 252n) + 27742317777372353535851937790883648493n;

/** S + L: the same group element, a second encoding that tweetnacl accepts. */
function malleate(signature: Uint8Array): Uint8Array {
  let s = 0n;
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(signature[i] ?? 0);
  s += L;
  const out = signature.slice();
  for (let i = 32; i < 64; i++) {
    out[i] = Number(s & 0xffn);
    s >>= 8n;
  }
  return out;
}

describe('identity', () => {
  it('signs its X25519 key with its identity key over the bytes the relay checks', () => {
    const identity = generateIdentity();
    expect(
      nacl.sign.detached.verify(
        identityDhMessage(identity.identityDhKey),
        identity.identityDhSignature,
        identity.identityKey,
      ),
    ).toBe(true);
    expect(() => verifyPublicIdentity(tweetnaclBackend, identity)).not.toThrow();
  });

  it('rejects an identity whose DH key was swapped', () => {
    const identity = generateIdentity();
    const other = generateIdentity();
    expect(() =>
      verifyPublicIdentity(tweetnaclBackend, { ...identity, identityDhKey: other.identityDhKey }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_SIGNATURE' }));
  });

  it('checks each contact’s identity signature once, and still refuses a tampered copy afterwards', () => {
    const identity = generateIdentity();
    let verifies = 0;
    const counting = {
      ...tweetnaclBackend,
      ed25519Verify: (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array) => {
        verifies += 1;
        return tweetnaclBackend.ed25519Verify(message, signature, publicKey);
      },
    };
    for (let i = 0; i < 5; i += 1) verifyPublicIdentity(counting, identity);
    expect(verifies).toBe(1);
    const forged = identity.identityDhSignature.slice();
    forged[10] = (forged[10] ?? 0) ^ 1;
    expect(() => verifyPublicIdentity(counting, { ...identity, identityDhSignature: forged })).toThrow(
      expect.objectContaining({ code: 'INVALID_SIGNATURE' }),
    );
    expect(() =>
      verifyPublicIdentity(counting, {
        ...identity,
        identityDhSignature: malleate(identity.identityDhSignature),
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_SIGNATURE' }));
  });

  it('round-trips the identity string and catches a typo', () => {
    const identity = generateIdentity();
    const text = identityString(identity.identityKey);
    expect(parseIdentityString(text)).toEqual(identity.identityKey);
    const typo = (text[5] === 'a' ? 'b' : 'a') + text.slice(1);
    expect(() => parseIdentityString(typo)).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
    expect(() => parseIdentityString('0OIl')).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
  });

  it('round-trips the serialised key pair exactly', () => {
    const identity = generateIdentity();
    const restored = deserializeIdentity(JSON.parse(JSON.stringify(serializeIdentity(identity))));
    expect(restored).toEqual(identity);
  });
});

describe('strict signature verification', () => {
  it('rejects the S + L encoding that tweetnacl alone accepts', () => {
    const identity = generateIdentity();
    const message = new TextEncoder().encode('hello');
    const signature = nacl.sign.detached(message, identity.signingSecretKey);
    const twin = malleate(signature);
    expect(nacl.sign.detached.verify(message, twin, identity.identityKey)).toBe(true);
    expect(isCanonicalSignature(twin)).toBe(false);
    for (const backend of [tweetnaclBackend, nodeNativeBackend]) {
      expect(verifySignature(backend, message, signature, identity.identityKey)).toBe(true);
      expect(verifySignature(backend, message, twin, identity.identityKey)).toBe(false);
    }
  });

  it('rejects the identity point as a public key, for which one signature fits every message', () => {
    const identityPoint = new Uint8Array(32);
    identityPoint[0] = 1;
    const signature = new Uint8Array(64);
    signature[0] = 1; // R = identity, S = 0
    const message = new TextEncoder().encode('anything at all');
    expect(nacl.sign.detached.verify(message, signature, identityPoint)).toBe(true);
    expect(verifySignature(tweetnaclBackend, message, signature, identityPoint)).toBe(false);
  });

  it('turns a bad identity signature into INVALID_SIGNATURE, never a bare Error', () => {
    const identity = generateIdentity();
    const bad = identity.identityDhSignature.slice();
    bad[3] = (bad[3] ?? 0) ^ 1;
    try {
      verifyPublicIdentity(tweetnaclBackend, { ...identity, identityDhSignature: bad });
      expect.unreachable();
    } catch (error) {
      expect(isParleyError(error, 'INVALID_SIGNATURE')).toBe(true);
    }
  });
});
