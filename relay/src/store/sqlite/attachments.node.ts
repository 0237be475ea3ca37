import { ParleyError } from '@parley/core';
import { unique, type StoreLifecycle } from '../lifecycle.js';
import type { AttachmentRecord, AttachmentStore } from '../types.js';
import type { SqliteDatabase, WriteQueue } from './database.node.js';

interface AttachmentRow {
  hash: string;
  size: number;
  uploader: string;
  stored_bytes: number;
  complete: number;
  created_at: number;
  expires_at: number;
}

export class SqliteAttachmentStore implements AttachmentStore {
  readonly #statements;

  constructor(
    db: SqliteDatabase,
    private readonly queue: WriteQueue,
    private readonly lifecycle: StoreLifecycle,
  ) {
    this.#statements = {
      get: db.prepare<[string], AttachmentRow>('SELECT * FROM attachments WHERE hash = ?'),
      waiting: db
        .prepare<[string], string>('SELECT recipient FROM attachment_waiting WHERE hash = ?')
        .pluck(),
      // What the uploader still occupies: unfinished uploads and finished ones somebody has yet to fetch.
      outstanding: db
        .prepare<[string], number>(
          `SELECT COALESCE(SUM(size), 0) FROM attachments a WHERE uploader = ?
           AND (complete = 0 OR EXISTS (SELECT 1 FROM attachment_waiting w WHERE w.hash = a.hash))`,
        )
        .pluck(),
      insert: db.prepare(
        `INSERT INTO attachments (hash, size, uploader, stored_bytes, complete, created_at, expires_at)
         VALUES (?, ?, ?, 0, 0, ?, ?)`,
      ),
      // A later uploader of the same bytes may need them kept longer than the first asked for.
      extend: db.prepare('UPDATE attachments SET expires_at = MAX(expires_at, ?) WHERE hash = ?'),
      addWaiting: db.prepare('INSERT OR IGNORE INTO attachment_waiting (hash, recipient) VALUES (?, ?)'),
      setOffset: db.prepare(
        `UPDATE attachments SET stored_bytes = MAX(stored_bytes, ?), complete = MAX(complete, ?) WHERE hash = ?`,
      ),
      fetched: db.prepare('DELETE FROM attachment_waiting WHERE hash = ? AND recipient = ?'),
      anyWaiting: db.prepare('SELECT 1 FROM attachment_waiting WHERE hash = ? LIMIT 1').pluck(),
      expired: db.prepare<[number], string>('SELECT hash FROM attachments WHERE expires_at <= ?').pluck(),
      delete: db.prepare('DELETE FROM attachments WHERE hash = ?'),
      deleteWaiting: db.prepare('DELETE FROM attachment_waiting WHERE hash = ?'),
      stats: db.prepare<[], { attachments: number; bytes: number }>(
        'SELECT COUNT(*) AS attachments, COALESCE(SUM(stored_bytes), 0) AS bytes FROM attachments',
      ),
    };
  }

  async create(
    record: Omit<AttachmentRecord, 'offset' | 'complete' | 'waiting'> & { recipients: string[] },
    maxBytes: number,
  ): Promise<AttachmentRecord> {
    this.lifecycle.check();
    const s = this.#statements;
    return this.queue.run(() => {
      const existing = s.get.get(record.hash);
      if (existing && existing.size !== record.size) {
        throw new ParleyError('CONFLICT', 'an attachment with this hash exists with another size');
      }
      if (existing && existing.uploader !== record.uploader) {
        throw new ParleyError('ACCESS_DENIED', 'another identity uploaded this attachment');
      }
      if (existing) {
        s.extend.run(record.expiresAt, record.hash);
      } else {
        if (Number(s.outstanding.get(record.uploader)) + record.size > maxBytes) {
          throw new ParleyError('QUOTA_EXCEEDED', 'the uploader has too many undelivered attachment bytes');
        }
        s.insert.run(record.hash, record.size, record.uploader, record.createdAt, record.expiresAt);
      }
      for (const recipient of unique(record.recipients)) s.addWaiting.run(record.hash, recipient);
      return this.#read(record.hash) as AttachmentRecord;
    });
  }

  async get(hash: string): Promise<AttachmentRecord | null> {
    this.lifecycle.check();
    return this.#read(hash);
  }

  #read(hash: string): AttachmentRecord | null {
    const row = this.#statements.get.get(hash);
    if (!row) return null;
    return {
      hash: row.hash,
      size: row.size,
      uploader: row.uploader,
      offset: row.stored_bytes,
      complete: row.complete === 1,
      waiting: this.#statements.waiting.all(hash),
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  async setOffset(hash: string, offset: number, complete: boolean): Promise<void> {
    this.lifecycle.check();
    await this.queue.run(() => {
      if (this.#statements.setOffset.run(offset, complete ? 1 : 0, hash).changes === 0) {
        throw new ParleyError('NOT_FOUND', 'no such attachment');
      }
    });
  }

  async markFetched(hash: string, recipient: string): Promise<boolean> {
    this.lifecycle.check();
    const s = this.#statements;
    return this.queue.run(() => {
      if (!s.get.get(hash)) throw new ParleyError('NOT_FOUND', 'no such attachment');
      s.fetched.run(hash, recipient);
      return s.anyWaiting.get(hash) === undefined;
    });
  }

  async expire(now: number): Promise<string[]> {
    this.lifecycle.check();
    const s = this.#statements;
    return this.queue.run(() => {
      const hashes = s.expired.all(now);
      for (const hash of hashes) this.#delete(hash);
      return hashes;
    });
  }

  async remove(hash: string): Promise<void> {
    this.lifecycle.check();
    await this.queue.run(() => this.#delete(hash));
  }

  #delete(hash: string): void {
    this.#statements.deleteWaiting.run(hash);
    this.#statements.delete.run(hash);
  }

  async stats(): Promise<{ attachments: number; bytes: number }> {
    this.lifecycle.check();
    const row = this.#statements.stats.get();
    return { attachments: Number(row?.attachments ?? 0), bytes: Number(row?.bytes ?? 0) };
  }
}
