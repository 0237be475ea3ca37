import { describe, expect, it } from 'vitest';
import { openBackup, sealBackup } from './backup.js';

const snapshot = {
  schemaVersion: 3,
  stores: { contacts: [{ account: 'a', key: new Uint8Array([1, 2, 3]) }] },
};

describe('encrypted backups', () => {
  it('opens with the passphrase it was sealed with, bytes intact', async () => {
    const sealed = await sealBackup(snapshot, 'correct horse battery');
    expect(await openBackup(sealed, 'correct horse battery')).toEqual(snapshot);
  });

  it('refuses a wrong passphrase and altered bytes with DECRYPT_FAILED', async () => {
    const sealed = await sealBackup(snapshot, 'correct horse battery');
    await expect(openBackup(sealed, 'wrong horse battery')).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    const altered = sealed.slice();
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    await expect(openBackup(altered, 'correct horse battery')).rejects.toMatchObject({
      code: 'DECRYPT_FAILED',
    });
  });

  it('refuses what is not a backup, an unknown version and a short passphrase, saying why', async () => {
    await expect(openBackup(new Uint8Array(40), 'whatever12')).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/not a Parley backup/),
    });
    const sealed = await sealBackup(snapshot, 'correct horse battery');
    const future = sealed.slice();
    future[8] = 9;
    await expect(openBackup(future, 'correct horse battery')).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/format 9/),
    });
    await expect(sealBackup(snapshot, 'short')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(sealBackup(snapshot, 'long enough', { iterations: 1000 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
