import { describe, expect, it } from 'vitest';
import { openClientDatabase } from './client-database.js';
import { createSecretboxKeyWrapper } from './key-wrapper.js';
import {
  PBKDF2_MIN_ITERATIONS,
  derivePassphraseKey,
  passphraseKeyWrapper,
  type Pbkdf2Subtle,
} from './passphrase-key-wrapper.js';
import { freshIndexedDb } from './testing/fake-indexeddb.js';
import { generateIdentity } from '../crypto/identity/identity.js';

// WebCrypto is global in Node ≥ 20 and in browsers; core/ declares no DOM types, hence the cast.
const subtle = (globalThis as unknown as { crypto: { subtle: Pbkdf2Subtle } }).crypto.subtle;
const bytes = (...values: number[]) => new Uint8Array(values);
const hex = (data: Uint8Array) => Array.from(data, (byte) => byte.toString(16).padStart(2, '0')).join('');

describe('the secretbox key wrapper', () => {
  const wrapper = createSecretboxKeyWrapper(new Uint8Array(32).fill(1));

  it('round-trips, with a fresh nonce each time', async () => {
    const a = await wrapper.wrap(bytes(1, 2, 3));
    const b = await wrapper.wrap(bytes(1, 2, 3));
    expect(a).not.toEqual(b);
    expect(await wrapper.unwrap(a)).toEqual(bytes(1, 2, 3));
  });

  it('refuses altered bytes, other keys and foreign formats with DECRYPT_FAILED', async () => {
    const wrapped = await wrapper.wrap(bytes(1, 2, 3));
    const altered = wrapped.slice();
    altered.set([(altered.at(-1) ?? 0) ^ 1], altered.length - 1);
    await expect(wrapper.unwrap(altered)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    const other = createSecretboxKeyWrapper(new Uint8Array(32).fill(2));
    await expect(other.unwrap(wrapped)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    await expect(wrapper.unwrap(bytes(9, 9, 9))).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
  });

  it('needs a 32-byte key', () => {
    expect(() => createSecretboxKeyWrapper(new Uint8Array(16))).toThrow(/32 bytes/);
  });
});

describe('the passphrase key wrapper', () => {
  it('derives PBKDF2-HMAC-SHA256 as specified (RFC 7914 §11 test vector)', async () => {
    const key = await derivePassphraseKey(subtle, 'passwd', {
      algorithm: 'PBKDF2-SHA256',
      salt: new TextEncoder().encode('salt'),
      iterations: 1,
    });
    expect(hex(key)).toBe('55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc');
  });

  it('refuses fewer than 600,000 iterations', async () => {
    const weak = passphraseKeyWrapper({ passphrase: 'x', subtle, iterations: 1_000 });
    await expect(weak.derive(undefined)).rejects.toMatchObject({ code: 'INVALID_KEY' });
    expect(PBKDF2_MIN_ITERATIONS).toBe(600_000);
  });

  it('reopens with the right passphrase and refuses a wrong one with DECRYPT_FAILED', async () => {
    const indexedDB = freshIndexedDb();
    const open = (passphrase: string) =>
      openClientDatabase({
        indexedDB,
        name: 'web',
        keyWrapper: passphraseKeyWrapper({ passphrase, subtle }),
      });
    const identity = generateIdentity();
    const first = await open('correct horse battery staple');
    await first.identities.saveLocalIdentity(identity, 1);
    first.close();

    await expect(open('Correct horse battery staple')).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    const again = await open('correct horse battery staple');
    expect(await again.identities.getLocalIdentity()).toEqual(identity);
    again.close();
  });
});
