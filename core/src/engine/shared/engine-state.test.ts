import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientDatabase, IndexedDbFactory } from '../../storage/index.js';
import { freshIndexedDb } from '../../storage/testing/fake-indexeddb.js';
import { openTestDatabase } from '../../storage/testing/fixtures.js';
import { readRawStore } from '../../storage/testing/raw.js';
import type { GroupState } from '../messaging/content.js';
import { reactionsTo, recordReaction } from '../messaging/reactions.js';
import { IndexedDbEngineStateStore, importLegacyEngineState } from './state-store-indexeddb.js';

const NAME = 'parley-test';
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

const group: GroupState = {
  groupId: 'g1',
  version: 3,
  name: 'secret-club',
  members: ['alice-account', 'bob-account'],
  admins: ['alice-account'],
  inviteToken: 'invite-secret-token',
  changedBy: 'alice-account',
};
const storedGroup = { state: group, signature: 'sig', senderKeySentTo: ['bob-account'] };

/** Whether a database of that name exists, without creating it. */
async function exists(indexedDB: IndexedDbFactory, name: string): Promise<boolean> {
  const list = await (indexedDB as unknown as { databases(): Promise<{ name: string }[]> }).databases();
  return list.some((database) => database.name === name);
}

let indexedDB: IndexedDbFactory;
let db: ClientDatabase;
beforeEach(() => {
  indexedDB = freshIndexedDb();
});
afterEach(() => db.close());

describe('engine state in the client database', () => {
  it('seals group states at rest: no member, admin or invite secret in the stored row', async () => {
    db = await openTestDatabase(indexedDB, NAME);
    await db.engineState.put('group:g1', storedGroup);
    expect(await db.engineState.get('group:g1')).toEqual(storedGroup);

    const rows = await readRawStore(indexedDB, NAME, 'engineState');
    expect(rows.map((row) => row.key)).toEqual(['group:g1']);
    const raw = decode(rows[0]?.sealed ?? new Uint8Array());
    for (const secret of ['invite-secret-token', 'alice-account', 'bob-account', 'secret-club']) {
      expect(raw).not.toContain(secret);
    }
  });

  it('lists keys by prefix, sorted, and deletes', async () => {
    db = await openTestDatabase(indexedDB, NAME);
    for (const key of ['status:b', 'group:x', 'status:a', 'statusy']) await db.engineState.put(key, 1);
    expect(await db.engineState.keys('status:')).toEqual(['status:a', 'status:b']);
    await db.engineState.delete('status:a');
    expect(await db.engineState.keys('status:')).toEqual(['status:b']);
    expect(await db.engineState.get('status:a')).toBeUndefined();
  });

  it('moves a <name>.engine database written by the old state store in, once, and deletes it', async () => {
    const legacy = await IndexedDbEngineStateStore.open(indexedDB, `${NAME}.engine`);
    await legacy.put('group:g1', storedGroup);
    await legacy.put('contact-relay:bob-account', 'http://relay.example');
    await legacy.put('timer:direct:bob-account', 60_000);
    await legacy.put('status:alice-account:s1', { statusId: 's1', viewedBy: ['bob-account'] });
    legacy.close();

    db = await openTestDatabase(indexedDB, NAME);
    await importLegacyEngineState(indexedDB, db, NAME);
    expect(await db.engineState.get('group:g1')).toEqual(storedGroup);
    expect(await db.engineState.get('contact-relay:bob-account')).toBe('http://relay.example');
    expect(await db.engineState.get('timer:direct:bob-account')).toBe(60_000);
    expect(await db.engineState.keys('status:')).toEqual(['status:alice-account:s1']);
    expect(await exists(indexedDB, `${NAME}.engine`)).toBe(false);

    // A stale copy appearing later (say the delete never happened) never overwrites newer state.
    await db.engineState.put('timer:direct:bob-account', 5_000);
    const stale = await IndexedDbEngineStateStore.open(indexedDB, `${NAME}.engine`);
    await stale.put('timer:direct:bob-account', 60_000);
    stale.close();
    await importLegacyEngineState(indexedDB, db, NAME);
    expect(await db.engineState.get('timer:direct:bob-account')).toBe(5_000);
  });

  it('starts with empty state when there is no old database, leaving none behind', async () => {
    db = await openTestDatabase(indexedDB, NAME);
    await importLegacyEngineState(indexedDB, db, NAME);
    expect(await db.engineState.keys('')).toEqual([]);
    expect(await db.engineState.imported()).toBe(true);
    expect(await exists(indexedDB, `${NAME}.engine`)).toBe(false);
  });
});

describe('stored reactions', () => {
  it('keeps the latest reaction per account, supports removal, and survives a restart', async () => {
    db = await openTestDatabase(indexedDB, NAME);
    const state = db.engineState;
    expect(await recordReaction(state, 'm1', 'bob', '👍', false, 10)).toBe(true);
    expect(await recordReaction(state, 'm1', 'carol', '🎉', false, 11)).toBe(true);
    expect(await recordReaction(state, 'm1', 'bob', '❤️', false, 12)).toBe(true);
    // An older reaction arriving late does not replace the newer one.
    expect(await recordReaction(state, 'm1', 'bob', '😢', false, 9)).toBe(false);
    expect(await recordReaction(state, 'm2', 'bob', '👀', false, 13)).toBe(true);
    db.close();

    db = await openTestDatabase(indexedDB, NAME);
    expect(await reactionsTo(db.engineState, 'm1')).toEqual([
      { from: 'bob', emoji: '❤️', at: 12 },
      { from: 'carol', emoji: '🎉', at: 11 },
    ]);
    expect(await recordReaction(db.engineState, 'm1', 'carol', '🎉', true, 14)).toBe(true);
    // A removal is remembered, so the reaction it removed cannot come back late.
    expect(await recordReaction(db.engineState, 'm1', 'carol', '🎉', false, 11)).toBe(false);
    expect(await reactionsTo(db.engineState, 'm1')).toEqual([{ from: 'bob', emoji: '❤️', at: 12 }]);
  });
});
