/**
 * The first schema. Blobs keep their row (without payload) after delivery until they expire, so a recall can
 * still say who received them; `waiting` holds one row per undelivered copy, keyed (recipient, seq) so a
 * drain reads it in deposit order from the primary key alone.
 */
export const sql = `
CREATE TABLE prekey_bundles (
  identity TEXT PRIMARY KEY,
  identity_dh_key TEXT NOT NULL,
  identity_dh_signature TEXT NOT NULL,
  signed_prekey_id INTEGER NOT NULL,
  signed_prekey TEXT NOT NULL,
  signed_prekey_signature TEXT NOT NULL
) WITHOUT ROWID;

-- public_key becomes NULL when the key is handed out: the row stays so a republished keyId is ignored.
CREATE TABLE one_time_prekeys (
  identity TEXT NOT NULL,
  key_id INTEGER NOT NULL,
  public_key TEXT,
  PRIMARY KEY (identity, key_id)
) WITHOUT ROWID;
CREATE INDEX one_time_prekeys_available ON one_time_prekeys (identity, key_id) WHERE public_key IS NOT NULL;

CREATE TABLE usernames (
  username TEXT PRIMARY KEY,
  identity TEXT NOT NULL UNIQUE
) WITHOUT ROWID;

CREATE TABLE admitted (
  identity TEXT PRIMARY KEY,
  admitted_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE invites (
  token_hash TEXT PRIMARY KEY,
  uses_left INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE otps (
  address TEXT PRIMARY KEY,
  code_hash TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  wrong_attempts INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE otp_sends (
  address TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  sends INTEGER NOT NULL
) WITHOUT ROWID;

-- AUTOINCREMENT so seq never goes backwards after the newest blob expires: it is the deposit order.
CREATE TABLE blobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  sender TEXT NOT NULL,
  payload BLOB,
  size INTEGER NOT NULL,
  deposited_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  waiting INTEGER NOT NULL
);
CREATE INDEX blobs_by_expiry ON blobs (expires_at);

CREATE TABLE waiting (
  recipient TEXT NOT NULL,
  blob_seq INTEGER NOT NULL,
  PRIMARY KEY (recipient, blob_seq)
) WITHOUT ROWID;
CREATE INDEX waiting_by_blob ON waiting (blob_seq);

CREATE TABLE delivered (
  blob_seq INTEGER NOT NULL,
  recipient TEXT NOT NULL,
  delivered_at INTEGER NOT NULL,
  PRIMARY KEY (blob_seq, recipient)
) WITHOUT ROWID;

CREATE TABLE notices (
  blob_seq INTEGER NOT NULL,
  recipient TEXT NOT NULL,
  sender TEXT NOT NULL,
  blob_id TEXT NOT NULL,
  delivered_at INTEGER NOT NULL,
  PRIMARY KEY (blob_seq, recipient)
) WITHOUT ROWID;
CREATE INDEX notices_by_sender ON notices (sender, delivered_at, blob_seq);

-- Running totals, so quota checks and stats never scan the blobs table.
CREATE TABLE sender_usage (
  sender TEXT PRIMARY KEY,
  copies INTEGER NOT NULL,
  payloads INTEGER NOT NULL,
  bytes INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE attachments (
  hash TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  uploader TEXT NOT NULL,
  stored_bytes INTEGER NOT NULL,
  complete INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX attachments_by_uploader ON attachments (uploader);
CREATE INDEX attachments_by_expiry ON attachments (expires_at);

CREATE TABLE attachment_waiting (
  hash TEXT NOT NULL,
  recipient TEXT NOT NULL,
  PRIMARY KEY (hash, recipient)
) WITHOUT ROWID;

CREATE TABLE presence (
  identity TEXT PRIMARY KEY,
  allow_list TEXT,
  last_seen_visible INTEGER,
  last_seen_at INTEGER
) WITHOUT ROWID;

CREATE TABLE secrets (
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;
`;
