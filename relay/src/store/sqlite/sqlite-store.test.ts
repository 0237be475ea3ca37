import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRelayStore } from '../contract.test-suite.js';
import { identity, payload, record, ROOMY } from '../contract/fixtures.js';
import { MIGRATIONS } from './migrations/index.js';
import { openSqliteStore } from './sqlite-store.node.js';

let dir: string;
let files = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-sqlite-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const freshFile = (): string => join(dir, `store-${(files += 1)}.sqlite`);

describeRelayStore('SQLite', {
  open: () => openSqliteStore({ path: ':memory:' }),
  openPair: async () => {
    const path = freshFile();
    return [await openSqliteStore({ path }), await openSqliteStore({ path })];
  },
});

describe('SQLite relay store file', () => {
  it('keeps undelivered blobs, usernames and secrets across close and reopen', async () => {
    const path = freshFile();
    const first = await openSqliteStore({ path });
    const { id } = await first.blobs.deposit(record(identity(1), [identity(2)], payload(4, 2)), ROOMY);
    await first.directory.setUsername(identity(1), 'alice');
    const secret = await first.secrets.getOrCreate('relay-key', () => new Uint8Array([7, 7]));
    await first.close();

    const second = await openSqliteStore({ path });
    try {
      expect(await second.blobs.pending(identity(2), 10)).toEqual([
        { id, payload: payload(4, 2), depositedAt: 1_000, expiresAt: 11_000 },
      ]);
      expect(await second.directory.resolveUsername('alice')).toBe(identity(1));
      expect(await second.secrets.getOrCreate('relay-key', () => new Uint8Array([1]))).toEqual(secret);
    } finally {
      await second.close();
    }
  });

  it('opens the file in WAL mode at the newest schema version', async () => {
    const path = freshFile();
    await (await openSqliteStore({ path })).close();
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)?.version);
    } finally {
      db.close();
    }
  });
});
