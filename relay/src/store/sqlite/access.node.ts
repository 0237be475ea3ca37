import type { StoreLifecycle } from '../lifecycle.js';
import type { AccessStore, OtpCheck } from '../types.js';
import type { SqliteDatabase, WriteQueue } from './database.node.js';

interface OtpRow {
  code_hash: string;
  expires_at: number;
  wrong_attempts: number;
}

export class SqliteAccessStore implements AccessStore {
  readonly #statements;

  constructor(
    db: SqliteDatabase,
    private readonly queue: WriteQueue,
    private readonly lifecycle: StoreLifecycle,
  ) {
    this.#statements = {
      isAdmitted: db.prepare('SELECT 1 FROM admitted WHERE identity_hash = ?').pluck(),
      // No admission time: when someone joined is not something delivery needs.
      admit: db.prepare('INSERT OR IGNORE INTO admitted (identity_hash) VALUES (?)'),
      createInvite: db.prepare(
        'INSERT OR REPLACE INTO invites (token_hash, uses_left, expires_at) VALUES (?, ?, ?)',
      ),
      redeemInvite: db.prepare(
        'UPDATE invites SET uses_left = uses_left - 1 WHERE token_hash = ? AND uses_left > 0 AND expires_at > ?',
      ),
      dropSpent: db.prepare('DELETE FROM invites WHERE token_hash = ? AND uses_left <= 0'),
      saveOtp: db.prepare(
        'INSERT OR REPLACE INTO otps (address, code_hash, expires_at, wrong_attempts) VALUES (?, ?, ?, 0)',
      ),
      otp: db.prepare<[string], OtpRow>(
        'SELECT code_hash, expires_at, wrong_attempts FROM otps WHERE address = ?',
      ),
      deleteOtp: db.prepare('DELETE FROM otps WHERE address = ?'),
      wrongOtp: db.prepare('UPDATE otps SET wrong_attempts = wrong_attempts + 1 WHERE address = ?'),
      countSend: db
        .prepare<[{ address: string; windowStart: number }], number>(
          `INSERT INTO otp_sends (address, window_start, sends) VALUES (@address, @windowStart, 1)
         ON CONFLICT (address) DO UPDATE SET
           sends = CASE WHEN window_start < @windowStart THEN 1 ELSE sends + 1 END,
           window_start = MAX(window_start, @windowStart)
         RETURNING sends`,
        )
        .pluck(),
      expireOtps: db.prepare('DELETE FROM otps WHERE expires_at <= ?'),
      expireInvites: db.prepare('DELETE FROM invites WHERE expires_at <= ? OR uses_left <= 0'),
      expireSends: db.prepare('DELETE FROM otp_sends WHERE window_start < ?'),
    };
  }

  async isAdmitted(identityHash: string): Promise<boolean> {
    this.lifecycle.check();
    return this.#statements.isAdmitted.get(identityHash) !== undefined;
  }

  async admit(identityHash: string): Promise<void> {
    this.lifecycle.check();
    await this.queue.run(() => this.#statements.admit.run(identityHash));
  }

  async createInvite(tokenHash: string, uses: number, expiresAt: number): Promise<void> {
    this.lifecycle.check();
    await this.queue.run(() => this.#statements.createInvite.run(tokenHash, uses, expiresAt));
  }

  async redeemInvite(tokenHash: string, now: number): Promise<boolean> {
    this.lifecycle.check();
    return this.queue.run(() => {
      const redeemed = this.#statements.redeemInvite.run(tokenHash, now).changes === 1;
      this.#statements.dropSpent.run(tokenHash);
      return redeemed;
    });
  }

  async saveOtp(address: string, codeHash: string, expiresAt: number): Promise<void> {
    this.lifecycle.check();
    await this.queue.run(() => this.#statements.saveOtp.run(address, codeHash, expiresAt));
  }

  async checkOtp(address: string, codeHash: string, now: number, maxAttempts: number): Promise<OtpCheck> {
    this.lifecycle.check();
    const s = this.#statements;
    return this.queue.run((): OtpCheck => {
      const row = s.otp.get(address);
      if (!row) return 'invalid';
      if (row.expires_at <= now) return 'expired';
      // A locked address stays locked even for the right code: otherwise guessing would just continue.
      if (row.wrong_attempts >= maxAttempts) return 'locked';
      if (row.code_hash === codeHash) {
        s.deleteOtp.run(address);
        return 'ok';
      }
      s.wrongOtp.run(address);
      return 'invalid';
    });
  }

  async countOtpSend(address: string, windowStart: number): Promise<number> {
    this.lifecycle.check();
    return this.queue.run(() => Number(this.#statements.countSend.get({ address, windowStart })));
  }

  async expire(now: number, sendWindowStart: number): Promise<void> {
    this.lifecycle.check();
    await this.queue.run(() => {
      this.#statements.expireOtps.run(now);
      this.#statements.expireInvites.run(now);
      this.#statements.expireSends.run(sendWindowStart);
    });
  }
}
