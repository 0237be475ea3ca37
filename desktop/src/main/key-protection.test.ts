import { createSecretboxKeyWrapper } from '@parley/core';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { databaseKeyProvider, loadDatabaseKey, type KeyFile, type OsEncryption } from './key-protection.js';

/** Stands in for safeStorage: really encrypts, under a key that a "reset keychain" replaces. */
class FakeOsEncryption implements OsEncryption {
  available = true;
  backend: string | undefined = undefined;
  private secret = nacl.randomBytes(32);
  isEncryptionAvailable(): boolean {
    return this.available;
  }
  storageBackend(): string | undefined {
    return this.backend;
  }
  encryptString(plain: string): Uint8Array {
    const nonce = nacl.randomBytes(24);
    const box = nacl.secretbox(new TextEncoder().encode(plain), nonce, this.secret);
    return new Uint8Array([...nonce, ...box]);
  }
  decryptString(encrypted: Uint8Array): string {
    const plain = nacl.secretbox.open(encrypted.subarray(24), encrypted.subarray(0, 24), this.secret);
    if (plain === null)
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return new TextDecoder().decode(plain);
  }
  resetKeychain(): void {
    this.secret = nacl.randomBytes(32);
  }
}

class MemoryFile implements KeyFile {
  text: string | undefined;
  writes = 0;
  read(): Promise<string | undefined> {
    return Promise.resolve(this.text);
  }
  write(text: string): Promise<void> {
    this.writes += 1;
    this.text = text;
    return Promise.resolve();
  }
}

function setup() {
  const os = new FakeOsEncryption();
  const file = new MemoryFile();
  return { os, file, options: { os, file, randomBytes: (n: number) => nacl.randomBytes(n) } };
}

describe('database key protection', () => {
  it('creates a random key on first start, stores it only encrypted, and returns the same key later', async () => {
    const { file, options } = setup();
    const first = await loadDatabaseKey(options);
    expect(first.kind).toBe('protected');
    if (first.kind !== 'protected') return;
    expect(first.key).toHaveLength(32);
    expect(file.text).not.toContain(Buffer.from(first.key).toString('base64'));
    const second = await loadDatabaseKey(options);
    expect(second).toEqual(first);
    expect(file.writes).toBe(1);
  });

  it('gives a key that core can wrap identity keys with, across restarts', async () => {
    const { options } = setup();
    const first = await loadDatabaseKey(options);
    const second = await loadDatabaseKey(options);
    if (first.kind !== 'protected' || second.kind !== 'protected') throw new Error('expected protected keys');
    const identityKey = nacl.randomBytes(64);
    const wrapped = await createSecretboxKeyWrapper(first.key).wrap(identityKey);
    expect(await createSecretboxKeyWrapper(second.key).unwrap(wrapped)).toEqual(identityKey);
  });

  it('fails clearly, and keeps the file, when the keychain can no longer decrypt the key', async () => {
    const { os, file, options } = setup();
    await loadDatabaseKey(options);
    const before = file.text;
    os.resetKeychain();
    await expect(loadDatabaseKey(options)).rejects.toMatchObject({
      code: 'DECRYPT_FAILED',
      message: expect.stringContaining('could not decrypt the database key'),
    });
    expect(file.text).toBe(before);
    expect(file.writes).toBe(1);
  });

  it.each([
    ['truncated JSON', (text: string) => text.slice(0, 20)],
    [
      'a flipped ciphertext byte',
      (text: string) =>
        text.replace(/"protectedKey":"(.)/, (_m, c: string) => `"protectedKey":"${c === 'A' ? 'B' : 'A'}`),
    ],
    ['an unknown version', (text: string) => text.replace('"version":1', '"version":2')],
    ['an empty file', () => ''],
  ])('reports a corrupted key file (%s) and never replaces it with a new key', async (_name, corrupt) => {
    const { file, options } = setup();
    await loadDatabaseKey(options);
    file.text = corrupt(file.text ?? '');
    const damaged = file.text;
    await expect(loadDatabaseKey(options)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    expect(file.text).toBe(damaged);
    expect(file.writes).toBe(1);
  });

  it('refuses to start, rather than make a new key, when the keychain is locked on a later start', async () => {
    const { os, file, options } = setup();
    await loadDatabaseKey(options);
    os.available = false;
    await expect(loadDatabaseKey(options)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(file.writes).toBe(1);
  });

  it('falls back to a passphrase when the OS cannot encrypt, and says why', async () => {
    const { os, options } = setup();
    os.available = false;
    expect(await loadDatabaseKey(options)).toEqual({
      kind: 'passphrase',
      reason: 'os-encryption-unavailable',
      detail: 'the operating system offers no encryption for app secrets',
    });
  });

  it('treats Linux without a keyring (basic_text) as no protection', async () => {
    const { os, options } = setup();
    os.backend = 'basic_text';
    expect(await loadDatabaseKey(options)).toMatchObject({
      kind: 'passphrase',
      detail: expect.stringContaining('no keyring'),
    });
  });

  it('stays with the passphrase once chosen, even after a keyring appears', async () => {
    const { os, options } = setup();
    os.available = false;
    await loadDatabaseKey(options);
    os.available = true;
    expect(await loadDatabaseKey(options)).toMatchObject({ kind: 'passphrase', reason: 'chosen-earlier' });
  });
});

describe('database key provider', () => {
  it('creates a single key even when the renderer asks twice at once', async () => {
    const { file, options } = setup();
    const provide = databaseKeyProvider(options);
    const [a, b] = await Promise.all([provide(), provide()]);
    expect(a).toEqual(b);
    expect(file.writes).toBe(1);
  });

  it('answers with an error the UI can show, and tries again once the keychain is back', async () => {
    const { os, options } = setup();
    const created = await loadDatabaseKey(options);
    os.available = false;
    const provide = databaseKeyProvider(options);
    expect(await provide()).toMatchObject({ kind: 'error', code: 'UNAVAILABLE' });
    os.available = true;
    expect(await provide()).toEqual(created);
  });
});
