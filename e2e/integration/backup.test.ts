import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshIndexedDb } from '@parley/core/testing/indexeddb';
import { ParleyClient } from '@parley/core';
import { next, scenario, startAll, until } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

const PASSPHRASE = 'correct horse battery staple';

describe('encrypted backups', () => {
  it('restores every message on a fresh device, which keeps chatting with the contact through the relay', async () => {
    const alice = s.device('alice', { direct: false });
    const bob = s.device('bob', { direct: false });
    await startAll(alice, bob);
    const withBob = alice.c.conversations.direct(bob.c.account);
    const withAlice = bob.c.conversations.direct(alice.c.account);
    for (const text of ['one', 'two']) {
      const arrived = next(bob.c, 'message');
      await alice.c.messages.send(withBob, text);
      await arrived;
      const back = next(alice.c, 'message');
      await bob.c.messages.send(withAlice, `re: ${text}`);
      await back;
    }
    await alice.c.profile.set({ displayName: 'Alice' });
    await alice.c.conversations.setPinned(withBob, true);
    const account = alice.c.account;
    const backup = await alice.c.backup.export(PASSPHRASE);
    // The old device stops: its ratchet state moves to the new one.
    await alice.stop();

    const indexedDB = freshIndexedDb();
    const restored = s.device('alice-new', { indexedDB, direct: false });
    await expect(
      ParleyClient.importBackup(backup, 'not the passphrase', restored.clientOptions()),
    ).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    // Nothing was written: the same fresh database takes the backup now.
    const client = await ParleyClient.importBackup(backup, PASSPHRASE, restored.clientOptions());
    restored.client = client;
    expect(client.account).toBe(account);
    expect(client.profile.displayName).toBe('Alice');
    const page = await client.messages.page(withBob);
    expect(page.messages.map((m) => m.text).reverse()).toEqual(['one', 're: one', 'two', 're: two']);
    expect((await client.conversations.get(withBob)).pinned).toBe(true);
    expect((await client.contacts.list()).map((c) => c.account)).toEqual([bob.c.account]);

    await until(() => client.connected, 'restored device connected');
    const arrived = next(client, 'message');
    await bob.c.messages.send(withAlice, 'are you on the new machine?');
    expect((await arrived).message.text).toBe('are you on the new machine?');
    const reply = next(bob.c, 'message');
    await client.messages.send(withBob, 'yes, restored from the backup');
    expect((await reply).message.text).toBe('yes, restored from the backup');
  });

  it('refuses to restore into a database that already holds an account', async () => {
    const alice = s.device('alice', { direct: false });
    await startAll(alice);
    const backup = await alice.c.backup.export(PASSPHRASE);
    const options = alice.clientOptions();
    await alice.stop();
    await expect(ParleyClient.importBackup(backup, PASSPHRASE, options)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/not empty/),
    });
    await expect(alice.start()).resolves.toBeDefined();
    await expect(alice.c.backup.export('short')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
