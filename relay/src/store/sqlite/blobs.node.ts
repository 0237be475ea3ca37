import { randomBytes } from 'node:crypto';
import { ParleyError, type DeliveryNotice } from '@parley/core';
import { unique, type StoreLifecycle } from '../lifecycle.js';
import type { BlobQuota, BlobStore, DepositRecord, RecallOutcome, StoredBlob } from '../types.js';
import { toBuffer, toBytes, type SqliteDatabase, type WriteQueue } from './database.node.js';

interface BlobRow {
  seq: number;
  sender: string;
  size: number;
  waiting: number;
}

interface PendingRow {
  id: string;
  payload: Buffer;
  deposited_at: number;
  expires_at: number;
}

/** Expired blobs are removed in transactions of this many, so one sweep never stalls the event loop long. */
const EXPIRE_BATCH = 1000;

export class SqliteBlobStore implements BlobStore {
  readonly #statements;

  constructor(
    db: SqliteDatabase,
    private readonly queue: WriteQueue,
    private readonly lifecycle: StoreLifecycle,
  ) {
    this.#statements = {
      usage: db.prepare<[string], { copies: number; bytes: number }>(
        'SELECT copies, bytes FROM sender_usage WHERE sender = ?',
      ),
      addUsage: db.prepare(
        `INSERT INTO sender_usage (sender, copies, payloads, bytes) VALUES (?, ?, ?, ?)
         ON CONFLICT (sender) DO UPDATE SET copies = copies + excluded.copies,
           payloads = payloads + excluded.payloads, bytes = bytes + excluded.bytes`,
      ),
      insertBlob: db.prepare(
        `INSERT INTO blobs (id, sender, payload, size, deposited_at, expires_at, waiting)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertWaiting: db.prepare('INSERT INTO waiting (recipient, blob_seq) VALUES (?, ?)'),
      seqOf: db.prepare<[string], number>('SELECT seq FROM blobs WHERE id = ?').pluck(),
      pending: db.prepare<[string, number, number], PendingRow>(
        `SELECT b.id, b.payload, b.deposited_at, b.expires_at FROM waiting w JOIN blobs b ON b.seq = w.blob_seq
         WHERE w.recipient = ? AND w.blob_seq > ? ORDER BY w.blob_seq LIMIT ?`,
      ),
      blob: db.prepare<[string], BlobRow>('SELECT seq, sender, size, waiting FROM blobs WHERE id = ?'),
      markPushed: db.prepare(
        'UPDATE waiting SET pushed = 1 WHERE recipient = ? AND blob_seq = (SELECT seq FROM blobs WHERE id = ?)',
      ),
      deleteWaiting: db.prepare('DELETE FROM waiting WHERE recipient = ? AND blob_seq = ?'),
      insertDelivered: db.prepare('INSERT OR IGNORE INTO delivered (blob_seq, recipient) VALUES (?, ?)'),
      insertNotice: db.prepare(
        `INSERT OR IGNORE INTO notices (blob_id, recipient, sender, delivered_at, expires_at)
         VALUES (?, ?, ?, ?, ?)`,
      ),
      setWaiting: db.prepare('UPDATE blobs SET waiting = ? WHERE seq = ?'),
      waitingFor: db.prepare<[number], { recipient: string; pushed: number }>(
        'SELECT recipient, pushed FROM waiting WHERE blob_seq = ?',
      ),
      deliveredTo: db.prepare<[number], string>('SELECT recipient FROM delivered WHERE blob_seq = ?').pluck(),
      noticeRecipients: db
        .prepare<[string, string], string>('SELECT recipient FROM notices WHERE blob_id = ? AND sender = ?')
        .pluck(),
      deleteAllWaiting: db.prepare('DELETE FROM waiting WHERE blob_seq = ?'),
      notices: db.prepare<[string, number], DeliveryNotice>(
        `SELECT blob_id AS id, recipient, delivered_at AS deliveredAt FROM notices WHERE sender = ?
         ORDER BY delivered_at, blob_id, recipient LIMIT ?`,
      ),
      ackNotice: db.prepare('DELETE FROM notices WHERE blob_id = ? AND recipient = ? AND sender = ?'),
      expired: db.prepare<[number, number], BlobRow>(
        'SELECT seq, sender, size, waiting FROM blobs WHERE expires_at <= ? ORDER BY expires_at LIMIT ?',
      ),
      expireNotices: db.prepare('DELETE FROM notices WHERE expires_at <= ?'),
      deleteDelivered: db.prepare('DELETE FROM delivered WHERE blob_seq = ?'),
      deleteBlob: db.prepare('DELETE FROM blobs WHERE seq = ?'),
      // A sender with nothing left on the relay has no row: the table is not a list of everyone who sent.
      dropIdleUsage: db.prepare('DELETE FROM sender_usage WHERE sender = ? AND copies <= 0 AND bytes <= 0'),
      stats: db.prepare<[], { blobs: number; bytes: number }>(
        'SELECT COALESCE(SUM(payloads), 0) AS blobs, COALESCE(SUM(bytes), 0) AS bytes FROM sender_usage',
      ),
    };
  }

  async deposit(record: DepositRecord, quota: BlobQuota): Promise<{ id: string }> {
    this.lifecycle.check();
    const recipients = unique(record.recipients);
    if (recipients.length === 0) throw new ParleyError('BAD_REQUEST', 'a blob needs at least one recipient');
    const size = record.payload.byteLength;
    const s = this.#statements;
    return this.queue.run(() => {
      const usage = s.usage.get(record.sender) ?? { copies: 0, bytes: 0 };
      if (usage.copies + recipients.length > quota.maxBlobs || usage.bytes + size > quota.maxBytes) {
        throw new ParleyError('QUOTA_EXCEEDED', 'the sender has too many undelivered blobs on this relay');
      }
      // Random rather than the row number: ids stay unique across processes and reveal no traffic volume.
      const id = randomBytes(16).toString('base64url');
      const seq = s.insertBlob.run(
        id,
        record.sender,
        toBuffer(record.payload),
        size,
        record.depositedAt,
        record.expiresAt,
        recipients.length,
      ).lastInsertRowid;
      for (const recipient of recipients) s.insertWaiting.run(recipient, seq);
      s.addUsage.run(record.sender, recipients.length, 1, size);
      return { id };
    });
  }

  async pending(recipient: string, limit: number, afterId?: string): Promise<StoredBlob[]> {
    this.lifecycle.check();
    const s = this.#statements;
    // An unknown afterId (its blob expired) restarts from the beginning: repeating a blob is safe, skipping is not.
    const afterSeq = afterId === undefined ? 0 : (s.seqOf.get(afterId) ?? 0);
    return s.pending.all(recipient, afterSeq, limit).map((row) => ({
      id: row.id,
      payload: toBytes(row.payload),
      depositedAt: row.deposited_at,
      expiresAt: row.expires_at,
    }));
  }

  async markPushed(recipient: string, ids: string[]): Promise<void> {
    this.lifecycle.check();
    if (ids.length === 0) return;
    const s = this.#statements;
    await this.queue.run(() => {
      for (const id of ids) s.markPushed.run(recipient, id);
    });
  }

  async ack(
    recipient: string,
    ids: string[],
    now: number,
    noticeExpiresAt: number,
  ): Promise<Array<{ id: string; sender: string }>> {
    this.lifecycle.check();
    const s = this.#statements;
    return this.queue.run(() => {
      const changed: Array<{ id: string; sender: string }> = [];
      for (const id of unique(ids)) {
        const blob = s.blob.get(id);
        if (!blob || s.deleteWaiting.run(recipient, blob.seq).changes === 0) continue;
        s.insertNotice.run(id, recipient, blob.sender, now, noticeExpiresAt);
        const lastCopy = blob.waiting <= 1;
        if (lastCopy) {
          this.#forget(blob.seq);
        } else {
          // Kept only while other copies wait, so a recall can say who already has it.
          s.insertDelivered.run(blob.seq, recipient);
          s.setWaiting.run(blob.waiting - 1, blob.seq);
        }
        this.#release(blob.sender, 1, lastCopy ? blob.size : 0, lastCopy);
        changed.push({ id, sender: blob.sender });
      }
      return changed;
    });
  }

  async recall(sender: string, id: string): Promise<RecallOutcome | null> {
    this.lifecycle.check();
    const s = this.#statements;
    return this.queue.run((): RecallOutcome | null => {
      const blob = s.blob.get(id);
      if (!blob || blob.sender !== sender) {
        // Every copy was acknowledged: the notices not yet acknowledged are all that is left of it.
        const notified = s.noticeRecipients.all(id, sender);
        return notified.length > 0 ? { recalledFor: [], pushedTo: [], deliveredTo: notified } : null;
      }
      const waiting = s.waitingFor.all(blob.seq);
      const deliveredTo = unique([...s.deliveredTo.all(blob.seq), ...s.noticeRecipients.all(id, sender)]);
      this.#forget(blob.seq);
      this.#release(sender, waiting.length, blob.size, true);
      return {
        recalledFor: waiting.filter((copy) => copy.pushed === 0).map((copy) => copy.recipient),
        pushedTo: waiting.filter((copy) => copy.pushed === 1).map((copy) => copy.recipient),
        deliveredTo,
      };
    });
  }

  /** Deletes the blob's row, payload, remaining copies and delivery records. */
  #forget(seq: number): void {
    const s = this.#statements;
    s.deleteAllWaiting.run(seq);
    s.deleteDelivered.run(seq);
    s.deleteBlob.run(seq);
  }

  #release(sender: string, copies: number, bytes: number, payloadGone: boolean): void {
    const s = this.#statements;
    s.addUsage.run(sender, -copies, payloadGone ? -1 : 0, -bytes);
    s.dropIdleUsage.run(sender);
  }

  async notices(sender: string, limit: number): Promise<DeliveryNotice[]> {
    this.lifecycle.check();
    return this.#statements.notices.all(sender, limit);
  }

  async ackNotices(sender: string, notices: Array<{ id: string; recipient: string }>): Promise<number> {
    this.lifecycle.check();
    const s = this.#statements;
    return this.queue.run(() => {
      let removed = 0;
      for (const notice of notices) removed += s.ackNotice.run(notice.id, notice.recipient, sender).changes;
      return removed;
    });
  }

  async expire(now: number): Promise<number> {
    this.lifecycle.check();
    await this.queue.run(() => this.#statements.expireNotices.run(now));
    let removed = 0;
    for (;;) {
      const batch = await this.queue.run(() => this.#expireBatch(now));
      removed += batch;
      if (batch < EXPIRE_BATCH) return removed;
    }
  }

  #expireBatch(now: number): number {
    const rows = this.#statements.expired.all(now, EXPIRE_BATCH);
    for (const blob of rows) {
      this.#forget(blob.seq);
      this.#release(blob.sender, blob.waiting, blob.size, true);
    }
    return rows.length;
  }

  async stats(): Promise<{ blobs: number; bytes: number }> {
    this.lifecycle.check();
    const row = this.#statements.stats.get();
    return { blobs: Number(row?.blobs ?? 0), bytes: Number(row?.bytes ?? 0) };
  }
}
