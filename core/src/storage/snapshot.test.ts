import { describe, expect, it } from 'vitest';
import { generateIdentity } from '../crypto/identity/identity.js';
import { openClientDatabase } from './client-database.js';
import { createSecretboxKeyWrapper } from './key-wrapper.js';
import { freshIndexedDb } from './testing/fake-indexeddb.js';
import { message } from './testing/fixtures.js';

async function open(name: string, key: number, indexedDB = freshIndexedDb()) {
  return openClientDatabase({
    indexedDB,
    name,
    keyWrapper: createSecretboxKeyWrapper(new Uint8Array(32).fill(key)),
  });
}

describe('database snapshots (what a backup carries)', () => {
  it('restores identity, messages and sealed state under the new database key', async () => {
    const source = await open('source', 1);
    const identity = generateIdentity();
    await source.identities.saveLocalIdentity(identity, 1);
    await source.engineState.put('group:g1', { name: 'secret group' });
    await source.conversations.put({
      id: 'direct:bob',
      kind: 'direct',
      title: 'Bob',
      members: ['bob'],
      lastActivity: 1,
      unreadCount: 0,
      archived: false,
      pinned: true,
    });
    await source.messages.insert(message({ id: 'm1', conversationId: 'direct:bob', text: 'hello backup' }));
    const snapshot = await source.snapshot();
    source.close();

    // Another key: the restored secrets must be wrapped under it, not copied as they were.
    const target = await open('target', 2);
    expect(await target.isEmpty()).toBe(true);
    await target.restore(snapshot);
    expect(await target.isEmpty()).toBe(false);
    expect((await target.identities.getLocalIdentity()).identityKey).toEqual(identity.identityKey);
    expect(await target.engineState.get('group:g1')).toEqual({ name: 'secret group' });
    expect((await target.conversations.get('direct:bob'))?.pinned).toBe(true);
    expect((await target.messages.search('backup')).map((m) => m.id)).toEqual(['m1']);
    target.close();
  });

  it('refuses to restore into a database that holds anything, and changes nothing there', async () => {
    const source = await open('source', 1);
    await source.messages.insert(message({ id: 'm1', text: 'from the backup' }));
    const snapshot = await source.snapshot();
    source.close();
    const target = await open('target', 2);
    await target.messages.insert(message({ id: 'm2', text: 'already here' }));
    await expect(target.restore(snapshot)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await target.messages.get('m1')).toBeUndefined();
    target.close();
  });
});
