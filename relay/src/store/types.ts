import type { DeliveryNotice, FetchedBundle, PreKeyBundle, SignedDeviceList } from '@parley/core';

/**
 * The relay's storage, as injected async interfaces. SQLite (default, one file) and Redis (shared by several
 * relay processes) implement every one; `store/contract.test-suite.ts` runs the same tests against both.
 * Every method that resolves has made its effect durable (SQLite: committed in WAL; Redis: acknowledged).
 * Identities are base64url Ed25519 public keys; times are milliseconds since the epoch from the caller's clock.
 */
export interface RelayStore {
  readonly directory: DirectoryStore;
  readonly access: AccessStore;
  readonly blobs: BlobStore;
  readonly attachments: AttachmentStore;
  readonly presence: PresenceStore;
  readonly secrets: SecretStore;
  /**
   * Gives the space of deleted rows back (SQLite: incremental vacuum, then a WAL checkpoint that truncates the
   * WAL, so deleted bytes are in no file any more; Redis frees memory by itself). Housekeeping calls it.
   */
  compact(): Promise<void>;
  /** Flushes and closes. Idempotent; every method fails with CLOSED afterwards. */
  close(): Promise<void>;
}

export interface DirectoryStore {
  /**
   * Stores the device's bundle: replaces identity DH key and signed prekey, adds the one-time prekeys whose
   * keyId is new (a republished keyId is ignored, so a retried publish cannot hand out a key twice).
   * Resolves to the number of one-time prekeys now held.
   */
  publish(bundle: PreKeyBundle): Promise<number>;
  /**
   * Returns the bundle with at most one one-time prekey, which is deleted in the same step (two concurrent
   * fetchers never get the same key), and how many remain. Null when the identity never published.
   */
  take(identity: string): Promise<{ bundle: FetchedBundle; remaining: number } | null>;
  /** Reserves `username` (already lower-cased) for identity, replacing its previous one; null releases it. Throws USERNAME_TAKEN. */
  setUsername(identity: string, username: string | null): Promise<void>;
  resolveUsername(username: string): Promise<string | null>;
  /** One-time prekeys the identity has left; null when it never published. */
  remaining(identity: string): Promise<number | null>;
  /**
   * Keeps `list` (already verified by the caller) as its account's current device list when its counter is
   * above the one held. The same list again is a harmless retry; a lower counter, or another list under the
   * held counter, throws CONFLICT and leaves the held list, so nobody can roll an account's devices back.
   */
  publishDeviceList(list: SignedDeviceList): Promise<void>;
  /** The account's current device list, exactly as published; null when it never published one. */
  deviceList(account: string): Promise<SignedDeviceList | null>;
}

export type OtpCheck = 'ok' | 'invalid' | 'locked' | 'expired';

export interface AccessStore {
  /**
   * Whether the identity has passed the relay's access policy before (it then needs only its signature).
   * Callers pass a keyed hash of the identity, never the identity: the table is not a member list.
   */
  isAdmitted(identityHash: string): Promise<boolean>;
  admit(identityHash: string): Promise<void>;
  /** Stores an invite by the SHA-256 (hex) of its token; `uses` is how many identities it admits. */
  createInvite(tokenHash: string, uses: number, expiresAt: number): Promise<void>;
  /** Atomically spends one use of an unexpired invite. */
  redeemInvite(tokenHash: string, now: number): Promise<boolean>;
  /**
   * Addresses are keyed hashes (see `auth/otp.node.ts`), never phone numbers or e-mail addresses.
   * Replaces any pending code for the address; resets its attempt counter.
   */
  saveOtp(address: string, codeHash: string, expiresAt: number): Promise<void>;
  /**
   * Checks a code: 'ok' consumes it; a wrong code counts an attempt, and after `maxAttempts` wrong ones the
   * address is 'locked' until the code expires.
   */
  checkOtp(address: string, codeHash: string, now: number, maxAttempts: number): Promise<OtpCheck>;
  /** Counts OTP sends per address in the current window, for the send limit. Returns the count after this one. */
  countOtpSend(address: string, windowStart: number): Promise<number>;
  /** Deletes codes that expired by `now` and send counters whose window started before `sendWindowStart`. */
  expire(now: number, sendWindowStart: number): Promise<void>;
}

export interface StoredBlob {
  id: string;
  payload: Uint8Array;
  depositedAt: number;
  expiresAt: number;
}

export interface BlobQuota {
  /** Undelivered blobs a sender may have on the relay at once (counted per recipient copy). */
  maxBlobs: number;
  /** Bytes of undelivered payload a sender may have on the relay at once (each payload counted once). */
  maxBytes: number;
}

export interface DepositRecord {
  sender: string;
  recipients: string[];
  payload: Uint8Array;
  depositedAt: number;
  expiresAt: number;
}

export interface RecallOutcome {
  /** Recipients the bytes never went to: their copy was deleted before it was pushed or fetched. */
  recalledFor: string[];
  /** Recipients whose copy was pushed to a connected socket but not acknowledged (deleted now too). */
  pushedTo: string[];
  /** Recipients that acknowledged the blob. */
  deliveredTo: string[];
}

export interface BlobStore {
  /** Stores one payload for every recipient in a single durable step. Throws QUOTA_EXCEEDED over quota. */
  deposit(record: DepositRecord, quota: BlobQuota): Promise<{ id: string }>;
  /** Undelivered, unexpired blobs for recipient in deposit order, starting after `afterId` if given. */
  pending(recipient: string, limit: number, afterId?: string): Promise<StoredBlob[]>;
  /**
   * Records that the recipient's copies were handed to a connected socket, before they are emitted: a recall
   * then no longer claims the recipient never received them.
   */
  markPushed(recipient: string, ids: string[]): Promise<void>;
  /**
   * Deletes the recipient's copies and, with the last copy, the blob's row and payload; records a delivery
   * notice for the sender, kept until `noticeExpiresAt` unless the sender acknowledges it first. Returns the
   * blobs whose state changed with their senders (acking twice is harmless and returns nothing the second time).
   */
  ack(
    recipient: string,
    ids: string[],
    now: number,
    noticeExpiresAt: number,
  ): Promise<Array<{ id: string; sender: string }>>;
  /**
   * Deletes every undelivered copy of the sender's blob and the blob itself. Null when the relay holds nothing
   * of it for this sender (never deposited, expired, recalled before, someone else's, or delivered and its
   * notices acknowledged); `{ recalledFor: [], pushedTo: [], deliveredTo }` when only notices remain.
   */
  recall(sender: string, id: string): Promise<RecallOutcome | null>;
  /** Delivery notices the sender has not acknowledged yet, oldest first. */
  notices(sender: string, limit: number): Promise<DeliveryNotice[]>;
  ackNotices(sender: string, notices: Array<{ id: string; recipient: string }>): Promise<number>;
  /** Deletes what expired by `now` (blobs, delivery records, notices). Returns blobs removed. */
  expire(now: number): Promise<number>;
  stats(): Promise<{ blobs: number; bytes: number }>;
}

export interface AttachmentRecord {
  hash: string;
  size: number;
  uploader: string;
  /** Bytes stored so far. */
  offset: number;
  complete: boolean;
  /** Recipients that have not acknowledged their download yet. */
  waiting: string[];
  createdAt: number;
  expiresAt: number;
}

export interface AttachmentStore {
  /**
   * Creates the record, or, when the same uploader creates it again (a retry), adds recipients and extends it.
   * Throws ACCESS_DENIED when another identity uploaded that hash (nobody else may add themselves, download
   * it or pin the uploader's quota); QUOTA_EXCEEDED when the uploader's unfinished and undelivered
   * attachments would pass `maxBytes`; CONFLICT when the hash exists with another size.
   */
  create(
    record: Omit<AttachmentRecord, 'offset' | 'complete' | 'waiting'> & { recipients: string[] },
    maxBytes: number,
  ): Promise<AttachmentRecord>;
  get(hash: string): Promise<AttachmentRecord | null>;
  /** Records progress; only moves forward. */
  setOffset(hash: string, offset: number, complete: boolean): Promise<void>;
  /** Removes recipient from `waiting`; resolves true when nobody waits any more (the caller deletes the bytes). */
  markFetched(hash: string, recipient: string): Promise<boolean>;
  /** Deletes records that expired; returns their hashes so the caller deletes the bytes. */
  expire(now: number): Promise<string[]>;
  remove(hash: string): Promise<void>;
  stats(): Promise<{ attachments: number; bytes: number }>;
}

export interface PresenceVisibility {
  /** Keyed hashes of the identities allowed to see this one (the caller hashes; the store never sees names). */
  allow: string[];
  lastSeen: boolean;
}

export interface PresenceStore {
  /** An empty allow list without last seen deletes the identity's presence row altogether. */
  setVisibility(identity: string, visibility: PresenceVisibility): Promise<void>;
  getVisibility(identity: string): Promise<PresenceVisibility | null>;
  /** Stored only for identities that share last seen; for the others it is a no-op. */
  setLastSeen(identity: string, at: number): Promise<void>;
  getLastSeen(identity: string): Promise<number | null>;
}

export interface SecretStore {
  /**
   * The named secret, created once with `create` if absent. Several relay processes on one Redis get the
   * same bytes (first writer wins), so tokens and receipts verify on every process.
   */
  getOrCreate(name: string, create: () => Uint8Array): Promise<Uint8Array>;
}
