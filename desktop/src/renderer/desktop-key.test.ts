import { describe, expect, it } from 'vitest';
import { desktopKeySource } from './desktop-key.dom.js';

describe('desktop key source', () => {
  it('wraps identity keys with the key main protects, and wipes the copy it received', async () => {
    const key = new Uint8Array(32).fill(9);
    const source = await desktopKeySource({
      getDatabaseKey: () => Promise.resolve({ kind: 'protected', key }),
    });
    if (source.kind !== 'wrapper') throw new Error('expected a wrapper');
    const secret = new Uint8Array([1, 2, 3]);
    expect(await source.wrapper.unwrap(await source.wrapper.wrap(secret))).toEqual(secret);
    expect(key.every((byte) => byte === 0)).toBe(true);
  });

  it('passes on why a passphrase is needed, or why the key is lost', async () => {
    const passphrase = {
      kind: 'passphrase',
      reason: 'os-encryption-unavailable',
      detail: 'no keyring',
    } as const;
    expect(await desktopKeySource({ getDatabaseKey: () => Promise.resolve(passphrase) })).toEqual(passphrase);
    const lost = { kind: 'error', code: 'DECRYPT_FAILED', message: 'could not decrypt' } as const;
    expect(await desktopKeySource({ getDatabaseKey: () => Promise.resolve(lost) })).toEqual(lost);
  });
});
