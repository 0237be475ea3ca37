import { createHmac, hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { tweetnaclBackend } from '../backend/tweetnacl.js';
import { generateIdentity } from '../identity/identity.js';
import { resolveOptions } from '../options.js';
import {
  buildPreKeyBundle,
  generateOneTimePreKeys,
  generateSignedPreKey,
  verifyFetchedBundle,
} from '../x3dh/prekeys.js';
import { kdfChain, kdfRoot } from './kdf-chain.js';
import { encodeHeader, parseMessage } from './message.js';

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('ratchet KDFs are the documented compositions of HMAC and HKDF', () => {
  it('KDF_CK: message key = HMAC(ck, 0x01)[0..56], next chain key = HMAC(ck, 0x02)[0..32]', () => {
    fc.assert(
      fc.property(bytes32, (chainKey) => {
        const step = kdfChain(tweetnaclBackend, chainKey);
        const hmac = (byte: number) =>
          new Uint8Array(createHmac('sha512', chainKey).update(Uint8Array.of(byte)).digest());
        expect(step.messageKey).toEqual(hmac(1).subarray(0, 56));
        expect(step.chainKey).toEqual(hmac(2).subarray(0, 32));
      }),
      { numRuns: 30 },
    );
  });

  it('KDF_RK: HKDF-SHA-512(ikm = dh, salt = root key, info = "parley/ratchet/root/v1", 64)', () => {
    fc.assert(
      fc.property(bytes32, bytes32, (rootKey, dh) => {
        const out = new Uint8Array(hkdfSync('sha512', dh, rootKey, 'parley/ratchet/root/v1', 64));
        const step = kdfRoot(tweetnaclBackend, rootKey, dh);
        expect(step.rootKey).toEqual(out.subarray(0, 32));
        expect(step.chainKey).toEqual(out.subarray(32));
      }),
      { numRuns: 30 },
    );
  });
});

describe('serialised formats round-trip', () => {
  it('ratchet headers, with and without the prekey header', () => {
    const identity = generateIdentity();
    fc.assert(
      fc.property(
        bytes32,
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 0xffffffff }),
        fc.option(fc.nat({ max: 0xffffffff }), { nil: undefined }),
        fc.boolean(),
        (dh, pn, n, oneTimePreKeyId, withPreKey) => {
          const preKey = withPreKey
            ? {
                sender: identity,
                baseKey: nacl.randomBytes(32),
                signedPreKeyId: 7,
                ...(oneTimePreKeyId === undefined ? {} : { oneTimePreKeyId }),
              }
            : undefined;
          const header = encodeHeader({ dh, pn, n }, preKey);
          const parsed = parseMessage(header);
          expect(parsed.header).toEqual({ dh, pn, n });
          expect(parsed.headerBytes).toEqual(header);
          expect(parsed.ciphertext.length).toBe(0);
          if (preKey) {
            expect(parsed.preKey?.baseKey).toEqual(preKey.baseKey);
            expect(parsed.preKey?.oneTimePreKeyId).toBe(oneTimePreKeyId);
            expect(parsed.preKey?.sender.identityDhSignature).toEqual(identity.identityDhSignature);
          } else {
            expect(parsed.preKey).toBeUndefined();
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('prekey bundles survive JSON and verify on the other side', () => {
    const identity = generateIdentity();
    const signed = generateSignedPreKey(identity, 42);
    const [oneTime] = generateOneTimePreKeys(9, 1);
    const bundle = JSON.parse(JSON.stringify(buildPreKeyBundle(identity, signed, oneTime ? [oneTime] : [])));
    const { oneTimePreKeys, ...rest } = bundle;
    const verified = verifyFetchedBundle(resolveOptions().backend, {
      ...rest,
      oneTimePreKey: oneTimePreKeys[0],
    });
    expect(verified.identity.identityKey).toEqual(identity.identityKey);
    expect(verified.signedPreKey).toEqual(signed.keyPair.publicKey);
    expect(verified.oneTimePreKey?.keyId).toBe(9);
  });
});
