import type Database from 'better-sqlite3';
import { keyedHash, METADATA_KEY_NAME } from '../../keyed-hash.node.js';

/**
 * The relay keeps only what delivery needs (issue 10). Delivery records live in `notices` only until the
 * sender acknowledges them or they pass `expires_at`; `delivered` no longer carries a time and lives only while
 * its blob still has undelivered copies; `waiting.pushed` tells a recall which copies already went out.
 * Admitted identities and OTP addresses are keyed hashes from now on: `upgradeAdmitted` rewrites the admitted
 * identities (nobody admitted loses admission); pending codes, which live ten minutes, are dropped. Presence allow lists were identities; they become
 * keyed hashes, so the old lists are dropped and clients republish them on connect (they do on every auth).
 */
export const sql = `
ALTER TABLE waiting ADD COLUMN pushed INTEGER NOT NULL DEFAULT 0;

DROP TABLE delivered;
CREATE TABLE delivered (
  blob_seq INTEGER NOT NULL,
  recipient TEXT NOT NULL,
  PRIMARY KEY (blob_seq, recipient)
) WITHOUT ROWID;

DROP TABLE notices;
CREATE TABLE notices (
  blob_id TEXT NOT NULL,
  recipient TEXT NOT NULL,
  sender TEXT NOT NULL,
  delivered_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (blob_id, recipient)
) WITHOUT ROWID;
CREATE INDEX notices_by_sender ON notices (sender, delivered_at);
CREATE INDEX notices_by_expiry ON notices (expires_at);

-- Blobs that nobody waits for any more are deleted, not kept without payload.
DELETE FROM blobs WHERE waiting = 0;
DELETE FROM sender_usage WHERE copies <= 0 AND bytes <= 0;

ALTER TABLE admitted RENAME TO admitted_old;
CREATE TABLE admitted (identity_hash TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT OR IGNORE INTO secrets (name, value) VALUES ('${METADATA_KEY_NAME}', randomblob(32));
DELETE FROM otps;
DELETE FROM otp_sends;

DROP TABLE presence;
CREATE TABLE presence (
  identity TEXT PRIMARY KEY,
  allow_hashes TEXT NOT NULL,
  last_seen_visible INTEGER NOT NULL,
  last_seen_at INTEGER
) WITHOUT ROWID;
`;

/** Rewrites each admitted identity as its keyed hash, then drops the clear-text table. */
export function upgradeAdmitted(db: Database.Database): void {
  const key = db
    .prepare<[string], Buffer>('SELECT value FROM secrets WHERE name = ?')
    .pluck()
    .get(METADATA_KEY_NAME);
  if (!key) throw new Error('the metadata key was not created');
  const insert = db.prepare('INSERT OR IGNORE INTO admitted (identity_hash) VALUES (?)');
  const old = db.prepare<[], string>('SELECT identity FROM admitted_old').pluck().all();
  for (const identity of old) insert.run(keyedHash(key, 'admitted', identity));
  db.exec('DROP TABLE admitted_old');
}
