import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations/index.js';

export type SqliteDatabase = Database.Database;

/**
 * Opens the file in WAL mode with synchronous=NORMAL: a commit is in the WAL (the OS page cache) before
 * better-sqlite3 returns, so it survives the relay process being killed (SIGKILL, OOM); only a power loss or
 * kernel crash can lose the last few commits, which FULL would prevent at a large cost per commit.
 */
export function openDatabase(path: string): SqliteDatabase {
  const db = new Database(path);
  try {
    // Deleted rows are overwritten with zeros, not left readable in free pages (issue 10: deleted means gone).
    db.pragma('secure_delete = ON');
    // Free pages are given back to the file system by `PRAGMA incremental_vacuum` (housekeeping runs it), so
    // the file shrinks after a mass delete. Only takes effect on an empty file; older files get one VACUUM.
    db.pragma('auto_vacuum = INCREMENTAL');
    if (Number(db.pragma('auto_vacuum', { simple: true })) !== 2 && path !== ':memory:') db.exec('VACUUM');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Another process (a restarted relay, a backup tool) may hold the lock briefly.
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Applies every migration newer than the file's user_version, each in its own transaction. */
export function migrate(db: SqliteDatabase): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      migration.up?.(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

/**
 * Returns free pages to the file system and checkpoints the WAL into the main file, truncating the WAL: the
 * old page images it held (with deleted rows in them) are gone from disk too. Run outside any transaction.
 */
export function compactDatabase(db: SqliteDatabase): void {
  db.pragma('incremental_vacuum');
  db.pragma('wal_checkpoint(TRUNCATE)');
}

interface Job {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: writes requested in the same turn of the event loop share one transaction, which is what
 * makes thousands of deposits per second cheap, while each still resolves only after that transaction
 * committed. Every job runs in its own savepoint, so one failing job (over quota, say) rolls back only
 * itself and rejects only its caller.
 */
export class WriteQueue {
  #jobs: Job[] = [];
  #scheduled = false;
  readonly #commit: (jobs: Job[]) => Array<{ ok: true; value: unknown } | { ok: false; error: unknown }>;

  constructor(db: SqliteDatabase) {
    const attempt = db.transaction((job: Job) => job.run());
    this.#commit = db.transaction((jobs: Job[]) =>
      jobs.map((job) => {
        try {
          return { ok: true as const, value: attempt(job) };
        } catch (error) {
          return { ok: false as const, error };
        }
      }),
    );
  }

  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#jobs.push({ run: fn, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits whatever is queued now; close() calls it so no accepted write is dropped. */
  flush(): void {
    this.#scheduled = false;
    const jobs = this.#jobs;
    if (jobs.length === 0) return;
    this.#jobs = [];
    let outcomes;
    try {
      outcomes = this.#commit(jobs);
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    outcomes.forEach((outcome, index) => {
      const job = jobs[index];
      if (!job) return;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }
}

/** better-sqlite3 binds Buffers, not plain Uint8Arrays; this views the same memory without copying. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Hands callers plain Uint8Arrays, as the interface promises, instead of Node Buffers. */
export function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
