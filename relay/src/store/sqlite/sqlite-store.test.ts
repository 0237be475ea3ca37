import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRelayStore } from '../contract.test-suite.js';
import { identity, payload, record, ROOMY } from '../contract/fixtures.js';
import { keyedHash, METADATA_KEY_NAME } from '../keyed-hash.node.js';
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
  inspectable: async () => {
    const path = freshFile();
    const store = await openSqliteStore({ path });
    return {
      store,
      residue: () => readFiles([path, `${path}-wal`, `${path}-shm`]),
      remaining: async () => tablesWithRows(path),
      close: () => store.close(),
    };
  },
});

/** The files' bytes as they are on disk now (a missing WAL is no bytes). */
async function readFiles(paths: string[]): Promise<Buffer> {
  const parts = await Promise.all(paths.map((path) => readFile(path).catch(() => Buffer.alloc(0))));
  return Buffer.concat(parts);
}

function tablesWithRows(path: string): string[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .pluck()
      .all();
    return tables.filter((table) => db.prepare(`SELECT 1 FROM "${table}" LIMIT 1`).get() !== undefined);
  } finally {
    db.close();
  }
}

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

  it('gives the space back after a mass delete, so the file does not stay at its peak size', async () => {
    const path = freshFile();
    const store = await openSqliteStore({ path });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 400; i += 1) {
        const big = new Uint8Array(16 * 1024).fill(i % 251);
        ids.push((await store.blobs.deposit(record(identity(1), [identity(2)], big), ROOMY)).id);
      }
      await store.compact();
      const peak = (await stat(path)).size;
      expect(peak).toBeGreaterThan(400 * 16 * 1024);
      await store.blobs.ack(identity(2), ids, 2_000, 3_000);
      await store.blobs.expire(3_000);
      await store.compact();
      expect((await stat(path)).size).toBeLessThan(peak / 10);
      expect((await stat(`${path}-wal`)).size).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('upgrades a version-1 file: admitted identities become keyed hashes and stay admitted', async () => {
    const path = freshFile();
    const old = new Database(path);
    old.exec(MIGRATIONS[0]?.sql ?? '');
    old.pragma('user_version = 1');
    old.prepare('INSERT INTO admitted (identity, admitted_at) VALUES (?, ?)').run(identity(7), 1);
    old.close();
    const store = await openSqliteStore({ path });
    try {
      const key = await store.secrets.getOrCreate(METADATA_KEY_NAME, () => new Uint8Array(1));
      expect(key).toHaveLength(32);
      expect(await store.access.isAdmitted(keyedHash(key, 'admitted', identity(7)))).toBe(true);
      expect(await store.access.isAdmitted(identity(7))).toBe(false);
    } finally {
      await store.close();
    }
    const raw = await readFiles([path, `${path}-wal`]);
    expect(raw.includes(identity(7))).toBe(false);
  });
});
