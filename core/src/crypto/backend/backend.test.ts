import fc from 'fast-check';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { AttachmentEncryptor } from '../attachment/index.js';
import { seededRandomBytes } from '../testing/deterministic.js';
import { makeParty, text } from '../testing/parties.js';
import type { CryptoBackend } from './backend.js';
import { nodeNativeBackend } from './native.node.js';
import { tweetnaclBackend } from './tweetnacl.js';

const backends: CryptoBackend[] = [tweetnaclBackend, nodeNativeBackend];

describe('crypto backends give identical bytes', () => {
  it('SHA-512 and secretbox agree on random inputs', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.uint8Array({ minLength: 24, maxLength: 24 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (data, nonce, key) => {
          expect(nodeNativeBackend.sha512(data)).toEqual(tweetnaclBackend.sha512(data));
          const box = tweetnaclBackend.secretbox(data, nonce, key);
          expect(nodeNativeBackend.secretbox(data, nonce, key)).toEqual(box);
          expect(nodeNativeBackend.secretboxOpen(box, nonce, key)).toEqual(data);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('secretbox refuses a flipped bit, a wrong key and a box shorter than its tag under both backends', () => {
    const key = nacl.randomBytes(32);
    const nonce = nacl.randomBytes(24);
    const box = tweetnaclBackend.secretbox(nacl.randomBytes(64 * 1024), nonce, key);
    for (const backend of backends) {
      for (const at of [0, 15, 16, box.length - 1]) {
        const tampered = box.slice();
        tampered[at] = (tampered[at] ?? 0) ^ 1;
        expect(backend.secretboxOpen(tampered, nonce, key)).toBeNull();
      }
      expect(backend.secretboxOpen(box, nonce, nacl.randomBytes(32))).toBeNull();
      expect(backend.secretboxOpen(box.subarray(0, 15), nonce, key)).toBeNull();
    }
  });

  it('secretboxOpenInto writes what secretboxOpen returns, and leaves its output untouched for a box that does not open', () => {
    const key = nacl.randomBytes(32);
    const nonce = nacl.randomBytes(24);
    const message = nacl.randomBytes(5000);
    const box = tweetnaclBackend.secretbox(message, nonce, key);
    const tampered = box.slice();
    tampered[20] = (tampered[20] ?? 0) ^ 1;
    for (const backend of backends) {
      const out = new Uint8Array(message.length);
      expect(backend.secretboxOpenInto(out, box, nonce, key)).toBe(true);
      expect(out).toEqual(message);
      const untouched = new Uint8Array(message.length).fill(0xaa);
      expect(backend.secretboxOpenInto(untouched, tampered, nonce, key)).toBe(false);
      expect(untouched.every((byte) => byte === 0xaa)).toBe(true);
    }
  });

  it('secretboxInto writes the same box as secretbox into reused memory, over whatever the memory held', () => {
    const key = nacl.randomBytes(32);
    const nonce = nacl.randomBytes(24);
    for (const backend of backends) {
      const out = new Uint8Array(5000 + 16).fill(0x55); // yesterday's box, say
      for (const message of [nacl.randomBytes(5000), new Uint8Array(5000)]) {
        backend.secretboxInto(out, message, nonce, key);
        expect(out).toEqual(tweetnaclBackend.secretbox(message, nonce, key));
        expect(backend.secretboxOpen(out, nonce, key)).toEqual(message);
      }
      expect(() => backend.secretboxInto(new Uint8Array(5000), nacl.randomBytes(5000), nonce, key)).toThrow(
        RangeError,
      );
    }
  });

  it('X25519 agrees on random keys, and both return zeros for a small-order point', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (a, b) => {
          const publicB = tweetnaclBackend.x25519Base(b);
          expect(nodeNativeBackend.x25519Base(b)).toEqual(publicB);
          expect(nodeNativeBackend.x25519(a, publicB)).toEqual(tweetnaclBackend.x25519(a, publicB));
        },
      ),
      { numRuns: 50 },
    );
    const smallOrder = new Uint8Array(32); // u = 0
    const secret = nacl.randomBytes(32);
    for (const backend of backends) expect(backend.x25519(secret, smallOrder)).toEqual(new Uint8Array(32));
  });

  it('node-native X25519 follows a secret key changed in place instead of reusing a stale import', () => {
    const secret = nacl.randomBytes(32);
    const peer = tweetnaclBackend.x25519Base(nacl.randomBytes(32));
    expect(nodeNativeBackend.x25519(secret, peer)).toEqual(tweetnaclBackend.x25519(secret, peer));
    secret.set(nacl.randomBytes(32));
    expect(nodeNativeBackend.x25519(secret, peer)).toEqual(tweetnaclBackend.x25519(secret, peer));
    expect(nodeNativeBackend.x25519Base(secret)).toEqual(tweetnaclBackend.x25519Base(secret));
  });

  it('Ed25519 verification agrees on good signatures and on every single-bit forgery tried', () => {
    const keys = nacl.sign.keyPair();
    const message = text('the same answer everywhere');
    const signature = nacl.sign.detached(message, keys.secretKey);
    for (const backend of backends)
      expect(backend.ed25519Verify(message, signature, keys.publicKey)).toBe(true);
    for (let bit = 0; bit < 64 * 8; bit += 7) {
      const forged = signature.slice();
      forged[bit >> 3] = (forged[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      const answers = backends.map((backend) => backend.ed25519Verify(message, forged, keys.publicKey));
      expect(answers).toEqual([false, false]);
    }
  });

  it('a whole conversation and an attachment produce the same bytes under both backends', async () => {
    async function transcript(backend: CryptoBackend) {
      const alice = makeParty({ backend, randomBytes: seededRandomBytes('alice') });
      const bob = makeParty({ backend, randomBytes: seededRandomBytes('bob') });
      await alice.cipher.initiate(bob.address, bob.fetchBundle());
      const out: Uint8Array[] = [];
      for (let i = 0; i < 3; i++) {
        const a = await alice.cipher.encrypt(bob.address, text(`a${i}`));
        await bob.cipher.decrypt(alice.address, a);
        const b = await bob.cipher.encrypt(alice.address, text(`b${i}`));
        await alice.cipher.decrypt(bob.address, b);
        out.push(a, b);
      }
      const attachment = new AttachmentEncryptor({
        backend,
        randomBytes: seededRandomBytes('file'),
        chunkSize: 1024,
      });
      out.push(...attachment.push(new Uint8Array(5000).fill(7)));
      const last = attachment.finish();
      out.push(last.chunk, last.descriptor.digest);
      return out;
    }
    expect(await transcript(nodeNativeBackend)).toEqual(await transcript(tweetnaclBackend));
  });
});
