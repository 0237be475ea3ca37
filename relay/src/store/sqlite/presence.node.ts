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
        `INSERT INTO presence (identity, allow_list, last_seen_visible) VALUES (?, ?, ?)
         ON CONFLICT (identity) DO UPDATE SET allow_list = excluded.allow_list,
           last_seen_visible = excluded.last_seen_visible`,
      ),
      visibility: db.prepare<[string], { allow_list: string | null; last_seen_visible: number | null }>(
        'SELECT allow_list, last_seen_visible FROM presence WHERE identity = ?',
      ),
      setLastSeen: db.prepare(
        `INSERT INTO presence (identity, last_seen_at) VALUES (?, ?)
         ON CONFLICT (identity) DO UPDATE SET last_seen_at = excluded.last_seen_at`,
      ),
      lastSeen: db
        .prepare<[string], number | null>('SELECT last_seen_at FROM presence WHERE identity = ?')
        .pluck(),
    };
  }

  async setVisibility(identity: string, visibility: PresenceVisibility): Promise<void> {
    this.lifecycle.check();
    const allow = JSON.stringify(visibility.allow);
    await this.queue.run(() =>
      this.#statements.setVisibility.run(identity, allow, visibility.lastSeen ? 1 : 0),
    );
  }

  async getVisibility(identity: string): Promise<PresenceVisibility | null> {
    this.lifecycle.check();
    const row = this.#statements.visibility.get(identity);
    // A row may exist only for lastSeen; visibility counts as unset until setVisibility wrote it.
    if (!row || row.allow_list === null) return null;
    return { allow: JSON.parse(row.allow_list) as string[], lastSeen: row.last_seen_visible === 1 };
  }

  async setLastSeen(identity: string, at: number): Promise<void> {
    this.lifecycle.check();
    await this.queue.run(() => this.#statements.setLastSeen.run(identity, at));
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
