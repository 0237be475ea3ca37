import { StoreLifecycle } from '../lifecycle.js';
import type { RelayStore } from '../types.js';
import { SqliteAccessStore } from './access.node.js';
import { SqliteAttachmentStore } from './attachments.node.js';
import { SqliteBlobStore } from './blobs.node.js';
import { compactDatabase, openDatabase, WriteQueue, type SqliteDatabase } from './database.node.js';
import { SqliteDirectoryStore } from './directory.node.js';
import { SqlitePresenceStore, SqliteSecretStore } from './presence.node.js';

export interface SqliteStoreOptions {
  /** The database file (created with its schema if missing), or ':memory:' for a throwaway store. */
  path: string;
}

/**
 * The relay's default store: one SQLite file, WAL mode. Every write goes through one group-commit queue, so
 * each method resolves after its transaction committed and concurrent writes share a commit. Reads run
 * directly on the same connection and see every write that has resolved. One relay process per file.
 */
export class SqliteRelayStore implements RelayStore {
  readonly directory: SqliteDirectoryStore;
  readonly access: SqliteAccessStore;
  readonly blobs: SqliteBlobStore;
  readonly attachments: SqliteAttachmentStore;
  readonly presence: SqlitePresenceStore;
  readonly secrets: SqliteSecretStore;
  readonly #db: SqliteDatabase;
  readonly #queue: WriteQueue;
  readonly #lifecycle = new StoreLifecycle('SQLite');

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#queue = new WriteQueue(db);
    const parts = [db, this.#queue, this.#lifecycle] as const;
    this.directory = new SqliteDirectoryStore(...parts);
    this.access = new SqliteAccessStore(...parts);
    this.blobs = new SqliteBlobStore(...parts);
    this.attachments = new SqliteAttachmentStore(...parts);
    this.presence = new SqlitePresenceStore(...parts);
    this.secrets = new SqliteSecretStore(...parts);
  }

  async compact(): Promise<void> {
    this.#lifecycle.check();
    // Whatever is queued commits first, so its deletes are part of what gets vacuumed.
    this.#queue.flush();
    compactDatabase(this.#db);
  }

  async close(): Promise<void> {
    if (!this.#lifecycle.markClosed()) return;
    // Writes accepted before close still commit (and resolve) rather than vanish.
    this.#queue.flush();
    this.#db.close();
  }
}

export async function openSqliteStore(options: SqliteStoreOptions): Promise<RelayStore> {
  return new SqliteRelayStore(openDatabase(options.path));
}
