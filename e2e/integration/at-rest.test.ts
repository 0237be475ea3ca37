import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IndexedDbFactory } from '@parley/core';
import { next, scenario, startAll, until } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

interface RawRequest<T> {
  result: T;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
  error: unknown;
}

function request<T>(req: RawRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error as Error);
  });
}

interface RawDatabase {
  objectStoreNames: Iterable<string>;
  transaction(
    stores: string[],
    mode: 'readonly',
  ): { objectStore(name: string): { getAll(): RawRequest<unknown[]> } };
  close(): void;
}

/** Every record of every store of a device's database, as text a thief of the files could grep. */
async function diskText(indexedDB: IndexedDbFactory, name: string): Promise<string> {
  const db = await request(indexedDB.open(name) as RawRequest<RawDatabase>);
  const parts: string[] = [];
  const visit = (value: unknown): void => {
    if (value instanceof Uint8Array) parts.push(new TextDecoder().decode(value));
    else if (ArrayBuffer.isView(value)) parts.push(new TextDecoder().decode(new Uint8Array(value.buffer)));
    else if (typeof value === 'string') parts.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit);
  };
  try {
    const names = [...db.objectStoreNames];
    const tx = db.transaction(names, 'readonly');
    for (const store of names) visit(await request(tx.objectStore(store).getAll()));
  } finally {
    db.close();
  }
  return parts.join('\n').toLowerCase();
}

describe('what a device keeps on disk', () => {
  it('keeps no word of texts, captions or file names it sent or received in its database', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const conversation = alice.c.conversations.direct(bob.c.account);
    const got = next(bob.c, 'message');
    await alice.c.messages.send(conversation, 'The albatross lands at Quillbury wharf');
    await got;
    const file = next(bob.c, 'file');
    await alice.c.files.send(conversation, {
      name: 'marmalade-recipe.txt',
      mimeType: 'text/plain',
      bytes: new TextEncoder().encode('secret ingredient: bergamot'),
      caption: 'grandmother’s parsnip secret',
    });
    await file;
    const edited = next(bob.c, 'message-edited');
    const sent = (await alice.c.db.messages.page(conversation)).messages.find((m) =>
      m.text.includes('albatross'),
    );
    if (sent === undefined) throw new Error('the sent message is not stored');
    await alice.c.messages.edit(sent.id, 'The cormorant lands instead');
    await edited;
    await until(async () => (await bob.c.db.messages.search('cormorant')).length === 1, 'the edit at bob');
    expect((await bob.c.db.messages.search('parsn')).length).toBe(1);

    const words = [
      'albatross',
      'quillbury',
      'wharf',
      'marmalade',
      'parsnip',
      'grandmother',
      'cormorant',
      'bergamot',
    ];
    const accounts = { alice: alice.c.account, bob: bob.c.account };
    for (const [device, peer] of [
      [alice, accounts.bob],
      [bob, accounts.alice],
    ] as const) {
      await device.stop();
      const disk = await diskText(device.indexedDB, `parley-${device.name}`);
      // The reader sees the records (the contact's account is metadata, kept in clear)...
      expect(disk).toContain(peer.toLowerCase());
      // ...and none of the content.
      for (const word of words) expect(disk, `${device.name}: ${word}`).not.toContain(word);
    }
  });
});
