import { createHash, createHmac, hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tweetnaclBackend } from '../backend/tweetnacl.js';
import { hkdf } from './hkdf.js';
import { hmac, sha512Hash, type HashFunction } from './hmac.js';

const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const sha512 = sha512Hash(tweetnaclBackend);
/** RFC 5869's vectors are for SHA-256; plugging it in checks the HKDF construction itself. */
const sha256: HashFunction = {
  blockLength: 64,
  outputLength: 32,
  digest: (data) => new Uint8Array(createHash('sha256').update(data).digest()),
};

describe('HMAC-SHA-512 matches RFC 4231', () => {
  const cases: [string, Uint8Array, Uint8Array, string][] = [
    [
      'test case 1',
      new Uint8Array(20).fill(0x0b),
      ascii('Hi There'),
      '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854',
    ],
    [
      'test case 2 (key shorter than the output)',
      ascii('Jefe'),
      ascii('what do ya want for nothing?'),
      '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
    ],
    [
      'test case 6 (key longer than a block is hashed first)',
      new Uint8Array(131).fill(0xaa),
      ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
      '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598',
    ],
  ];
  for (const [name, key, data, expected] of cases) {
    it(name, () => expect(toHex(hmac(sha512, key, data))).toBe(expected));
  }

  it('agrees with OpenSSL on random keys and messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (key, data) => {
        const expected = createHmac('sha512', key).update(data).digest('hex');
        expect(toHex(hmac(sha512, key, data))).toBe(expected);
      }),
      { numRuns: 100 },
    );
  });
});

describe('HKDF matches RFC 5869', () => {
  it('test case 1 (SHA-256, with salt and info)', () => {
    const okm = hkdf(
      sha256,
      new Uint8Array(22).fill(0x0b),
      hex('000102030405060708090a0b0c'),
      hex('f0f1f2f3f4f5f6f7f8f9'),
      42,
    );
    expect(toHex(okm)).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  it('test case 3 (SHA-256, empty salt and info)', () => {
    const okm = hkdf(sha256, new Uint8Array(22).fill(0x0b), new Uint8Array(0), new Uint8Array(0), 42);
    expect(toHex(okm)).toBe(
      '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
    );
  });

  it('HKDF-SHA-512 agrees with OpenSSL for random inputs and lengths', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.integer({ min: 1, max: 300 }),
        (ikm, salt, info, length) => {
          const expected = Buffer.from(hkdfSync('sha512', ikm, salt, info, length)).toString('hex');
          expect(toHex(hkdf(sha512, ikm, salt, info, length))).toBe(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});
