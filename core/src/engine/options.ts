import type { AttachmentOpenerFactory } from '../crypto/attachment/opener.js';
import type { AttachmentSealerFactory } from '../crypto/attachment/sealer.js';
import type { CallTimeouts } from '../calls/index.js';
import type { CryptoBackend } from '../crypto/index.js';
import type { SignedDeviceList } from '../protocol/devices.js';
import type { WebRtcImplementation } from '../link/options.js';
import type { IndexedDbFactory, KeyWrapperSource } from '../storage/index.js';
import type { FileSinkFactory, FileSourceOpener, StoredFileOpener } from './files/file-io.js';
import type { RetryPolicy } from './messaging/outbox-pump.js';
import type { RelayAccess } from './relay/relay-access.js';
import type { EngineTimers, FetchLike, SocketFactory } from './platform.js';
import type { EngineStateStore } from './shared/state-store.js';

export interface EngineTuning {
  /** Ack timeout of relay requests. Default 10 s. */
  readonly requestTimeoutMs: number;
  /** How long a send waits for a direct link to open before using the relay. Default 5 s. */
  readonly directOpenTimeoutMs: number;
  /** How long a send over a link waits for the peer's acknowledgement. Default 5 s. */
  readonly linkAckTimeoutMs: number;
  /** Pause before reconnecting to a relay that ended the session (restart, shutdown). Default 1 s. */
  readonly relayReconnectDelayMs: number;
  /** After a link to a peer failed to open in time, go straight to the relay for this long. Default 60 s. */
  readonly unreachableCooldownMs: number;
  /** Delay before re-establishing a dropped link. Default 500 ms. */
  readonly relinkDelayMs: number;
  /** Disappearing messages and statuses are swept this often. Default 30 s. */
  readonly sweepIntervalMs: number;
  /**
   * On every home-relay connection, offer a direct link to this many contacts (most recently added last, so
   * the newest are tried), so two devices that are both online talk directly before anyone writes. An
   * offline contact costs one signal (the relay's ack says so). 0 links only on activity. Default 32.
   */
  readonly linkOnConnect: number;
  /** The signed prekey is replaced (and the bundle republished) once this old. Default 7 days. */
  readonly signedPreKeyRotationMs: number;
  /** A replaced signed prekey is kept this long for sessions peers started against it. Default 30 days. */
  readonly signedPreKeyGraceMs: number;
  readonly retry: RetryPolicy;
  /**
   * A recipient device's pending one-to-one entries leave together, up to this many (and `batchMaxBytes` of
   * contents) in one envelope. 1 sends every entry alone. Default 32.
   */
  readonly batchMaxEntries: number;
  /** Default 64 KiB. */
  readonly batchMaxBytes: number;
  /**
   * Delivered receipts wait this long for more messages from the same device, then go as one receipt for
   * all of them. Default 25 ms.
   */
  readonly receiptDelayMs: number;
  /**
   * A group call's new own frame key is sent at once and used this much later, so participants hold it
   * before the first frame under it (call-keys/). Default 1 s.
   */
  readonly callKeySwitchDelayMs?: number;
  /**
   * A contact's (or our own) signed device list is fetched again before use once this old (injected clock):
   * how long a device its account removed may still be sent to. Default 60 s.
   */
  readonly deviceListTtlMs: number;
}

export const DEFAULT_TUNING: EngineTuning = {
  requestTimeoutMs: 10_000,
  directOpenTimeoutMs: 5_000,
  linkAckTimeoutMs: 5_000,
  relayReconnectDelayMs: 1_000,
  relinkDelayMs: 500,
  unreachableCooldownMs: 60_000,
  sweepIntervalMs: 30_000,
  linkOnConnect: 32,
  signedPreKeyRotationMs: 7 * 24 * 60 * 60_000,
  signedPreKeyGraceMs: 30 * 24 * 60 * 60_000,
  // About three days of attempts at the maximum delay before a message is reported failed.
  retry: { baseDelayMs: 1_000, maxDelayMs: 5 * 60_000, pollMs: 1_000, maxAttempts: 1_000 },
  batchMaxEntries: 32,
  batchMaxBytes: 64 * 1024,
  receiptDelayMs: 25,
  deviceListTtlMs: 60_000,
};

export interface ParleyClientOptions {
  /** The client database: the platform's `indexedDB` (fake-indexeddb's IDBFactory in Node tests). */
  readonly indexedDB: IndexedDbFactory;
  readonly databaseName: string;
  readonly keyWrapper: KeyWrapperSource;
  /**
   * A device made by `ParleyClient.prepareLinkedDevice` starts as a linked device of the account whose
   * signed list (from the primary's `client.devices.add`, carried by the linking flow) names its key. Only
   * read on that first start.
   */
  readonly linkedDevice?: { readonly list: SignedDeviceList };
  /** The relay this device registers with (its home relay; contacts' relays are added later). */
  readonly relayUrl: string;
  /** socket.io-client's `io`, wrapped: `(url) => io(url, { transports: ['websocket'], autoConnect: false })`. */
  readonly socketFactory: SocketFactory;
  /** WebRTC for direct links (`@roamhq/wrtc` in Node); without it every message goes through the relay. */
  readonly wrtc?: WebRtcImplementation;
  readonly displayName?: string;
  /**
   * For a relay whose policy is `invite` or `otp` (see `fetchRelayInfo`): the invite token, or the one-time
   * code `requestOneTimeCode` had sent, shown on this identity's first authentication. A wrong one emits
   * 'access-denied' (INVITE_INVALID, OTP_INVALID, OTP_LOCKED, ACCESS_DENIED); `client.setAccess` retries.
   */
  readonly access?: RelayAccess;
  /** Whether this device tells senders when their messages were read. Default true. */
  readonly readReceipts?: boolean;
  /**
   * Where groups, statuses, timers and reactions are kept; by default the client database's sealed engine
   * state. Another store cannot share the database's transactions: a received file's record is then
   * written after its message, and an app that stops between the two loses that file.
   */
  readonly stateStore?: EngineStateStore;
  /** `fetch` for the relay's attachment API (files to offline peers); without it files need a direct link. */
  readonly fetch?: FetchLike;
  /** Where received files go (e.g. files/node-file.node.ts); by default memory, for files up to 64 MiB. */
  readonly fileSink?: FileSinkFactory;
  /**
   * Opens a file being sent again after the app restarts, from the descriptor its FileSource carried
   * (`reopenFileSource` from `@parley/core/files/node`). Without it, a direct transfer cut by a restart fails.
   */
  readonly reopenFileSource?: FileSourceOpener;
  /**
   * The bytes this device keeps of a message's file (`directoryStoredFile` from `@parley/core/files/node`
   * beside `directorySinkFactory`; the web client's OPFS copy), served to our own newly linked devices that
   * fetch a moved history's files (`client.linking.fetchFile`). Without it they are told it has none.
   */
  readonly storedFile?: StoredFileOpener;
  /** The largest file sent or accepted. Default 4 GiB. */
  readonly maxFileBytes?: number;
  /**
   * Opens received files' chunks off the thread that owns the links and the UI: `workerOpener` from
   * `@parley/core/crypto/opener/node` (worker_threads), the web client's Web Worker. Called once, at the
   * first batch of the first file; the client closes what it returns. Without it, chunks are decrypted on
   * the engine's own thread. A factory that says `sharedMemory` (workerOpener) gets files for the default
   * in-memory sink decrypted straight into it: their `bytes` are then a view of a SharedArrayBuffer.
   */
  readonly attachmentOpener?: AttachmentOpenerFactory;
  /**
   * Encrypts the chunks of files sent over a direct link off the thread that owns the links and the UI, in
   * batches ahead of the transfer's reads: `workerSealer` from `@parley/core/crypto/opener/node`, or both
   * this and `attachmentOpener` on one thread with `...workerCrypto()`; the web client's Web Worker. Called
   * once, at the first batch of the first file sent; the client closes what it returns. Without it, chunks
   * are encrypted on the engine's own thread. The bytes sent are the same either way.
   */
  readonly attachmentSealer?: AttachmentSealerFactory;
  /**
   * The primitives every engine crypto call uses (sealed sender, ratchet, X3DH, groups, attachments). Default
   * tweetnacl, which runs everywhere; Node hosts can pass `nodeNativeBackend` from `@parley/core/crypto/native`
   * (OpenSSL and libsodium, byte-identical output, several times faster; file transfers need its secretbox to
   * keep up with a direct link). A speed choice only: peers need not agree.
   */
  readonly cryptoBackend?: CryptoBackend;
  readonly now?: () => number;
  readonly randomBytes?: (length: number) => Uint8Array;
  readonly timers?: EngineTimers;
  readonly tuning?: Partial<EngineTuning>;
  /** Call ringing/connecting/reconnecting timeouts; default DEFAULT_CALL_TIMEOUTS (tests shorten them). */
  readonly callTimeouts?: Partial<CallTimeouts>;
}
