import type { StoreLifecycle } from '../lifecycle.js';
import type { PresenceStore, PresenceVisibility, SecretStore } from '../types.js';
import { toBuffer, toBytes, type SqliteDatabase, type WriteQueue } from './database.node.js';

export class SqlitePresenceStore implements PresenceStore {
  readonly #statements;

  constructor(
    db: SqliteDatabase,
    private readonly queue: WriteQueue,
    private readonly lifecycle: StoreLifecycle,
  ) {
    this.#statements = {
      setVisibility: db.prepare(
        `INSERT INTO presence (identity, allow_hashes, last_seen_visible) VALUES (?, ?, ?)
         ON CONFLICT (identity) DO UPDATE SET allow_hashes = excluded.allow_hashes,
           last_seen_visible = excluded.last_seen_visible,
           last_seen_at = CASE WHEN excluded.last_seen_visible = 1 THEN last_seen_at END`,
      ),
      deleteRow: db.prepare('DELETE FROM presence WHERE identity = ?'),
      visibility: db.prepare<[string], { allow_hashes: string; last_seen_visible: number }>(
        'SELECT allow_hashes, last_seen_visible FROM presence WHERE identity = ?',
      ),
      // Only for identities that share it: nobody else's last connection time is written anywhere.
      setLastSeen: db.prepare(
        'UPDATE presence SET last_seen_at = ? WHERE identity = ? AND last_seen_visible = 1',
      ),
      lastSeen: db
        .prepare<[string], number | null>(
          'SELECT last_seen_at FROM presence WHERE identity = ? AND last_seen_visible = 1',
        )
        .pluck(),
    };
  }

  async setVisibility(identity: string, visibility: PresenceVisibility): Promise<void> {
    this.lifecycle.check();
    const s = this.#statements;
    const allow = JSON.stringify(visibility.allow);
    await this.queue.run(() => {
      if (visibility.allow.length === 0 && !visibility.lastSeen) s.deleteRow.run(identity);
      else s.setVisibility.run(identity, allow, visibility.lastSeen ? 1 : 0);
    });
  }

  async getVisibility(identity: string): Promise<PresenceVisibility | null> {
    this.lifecycle.check();
    const row = this.#statements.visibility.get(identity);
    if (!row) return null;
    return { allow: JSON.parse(row.allow_hashes) as string[], lastSeen: row.last_seen_visible === 1 };
  }

  async setLastSeen(identity: string, at: number): Promise<void> {
    this.lifecycle.check();
    await this.queue.run(() => this.#statements.setLastSeen.run(at, identity));
  }

  async getLastSeen(identity: string): Promise<number | null> {
    this.lifecycle.check();
    return this.#statements.lastSeen.get(identity) ?? null;
  }
}

export class SqliteSecretStore implements SecretStore {
  readonly #statements;

  constructor(
    db: SqliteDatabase,
    private readonly queue: WriteQueue,
    private readonly lifecycle: StoreLifecycle,
  ) {
    this.#statements = {
      get: db.prepare<[string], Buffer>('SELECT value FROM secrets WHERE name = ?').pluck(),
      insert: db.prepare('INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)'),
    };
  }

  async getOrCreate(name: string, create: () => Uint8Array): Promise<Uint8Array> {
    this.lifecycle.check();
    const s = this.#statements;
    const stored = await this.queue.run(() => {
      const existing = s.get.get(name);
      if (existing) return existing;
      s.insert.run(name, toBuffer(create()));
      return s.get.get(name);
    });
    if (!stored) throw new Error(`secret ${name} vanished right after it was written`);
    return new Uint8Array(toBytes(stored));
  }
}
