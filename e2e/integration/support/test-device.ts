import wrtc from '@roamhq/wrtc';
import { workerCrypto } from '@parley/core/crypto/opener/node';
import { freshIndexedDb } from '@parley/core/testing/indexeddb';
import { io } from 'socket.io-client';
import {
  ParleyClient,
  createSecretboxKeyWrapper,
  systemTimers,
  type AttachmentOpener,
  type AttachmentSealer,
  type CallTimeouts,
  type CryptoBackend,
  type EngineStateStore,
  type EngineTimers,
  type EngineTuning,
  type FetchLike,
  type FileSinkFactory,
  type FileSourceOpener,
  type StoredFileOpener,
  type IndexedDbFactory,
  type KeyWrapper,
  type RelayAccess,
  type RelaySocket,
} from '@parley/core';
import type { TestRelay } from './test-relay.js';

/** Short waits so the suite runs fast; nothing asserts on timing. */
export const FAST: Partial<EngineTuning> = {
  requestTimeoutMs: 5_000,
  directOpenTimeoutMs: 5_000,
  linkAckTimeoutMs: 5_000,
  relinkDelayMs: 100,
  relayReconnectDelayMs: 100,
  retry: { baseDelayMs: 100, maxDelayMs: 1_000, pollMs: 100, maxAttempts: 1_000 },
};

export interface DeviceOptions {
  direct?: boolean;
  /** Replaces global fetch for the relay's attachment API (to cut downloads off, say). */
  fetch?: FetchLike;
  fileSink?: FileSinkFactory;
  reopenFileSource?: FileSourceOpener;
  /** The bytes this device keeps of its messages' files, for our other devices (`storedFile`). */
  storedFile?: StoredFileOpener;
  maxFileBytes?: number;
  readReceipts?: boolean;
  now?: () => number;
  tuning?: Partial<EngineTuning>;
  /** The invite or one-time code for a relay that is not open. */
  access?: RelayAccess;
  /** Another device's database (a restored backup, say) instead of a fresh one. */
  indexedDB?: IndexedDbFactory;
  /** The engine's state kept here instead of in the database (one that outlives restarts, to hold writes). */
  stateStore?: EngineStateStore;
  /** Seals what the database keeps, instead of the harness's own key (one that holds writes, say). */
  keyWrapper?: (key: KeyWrapper) => KeyWrapper;
  /** The engine's crypto backend; its default (tweetnacl) when absent. */
  cryptoBackend?: CryptoBackend;
  /** Dial this URL as the home relay instead of the scenario's relay (a relay in the middle, say). */
  relayUrl?: string;
  /** Shorter call timeouts (the ICE-restart grace and give-up, say) instead of waiting out the defaults. */
  callTimeouts?: Partial<CallTimeouts>;
  /** Another WebRTC than @roamhq/wrtc itself (one that records its peer connections, say). */
  wrtc?: typeof wrtc;
  /**
   * Where received files are decrypted: by default on a worker thread (`workerOpener`, as the apps do with
   * theirs), 'inline' on the engine's own thread, or an opener of the test's own.
   */
  attachmentOpener?: 'inline' | (() => AttachmentOpener);
  /**
   * Where sent files are encrypted: by default on the same worker thread as the opener (`workerCrypto`, as
   * the apps do), 'inline' on the engine's own thread, or a sealer of the test's own.
   */
  attachmentSealer?: 'inline' | (() => AttachmentSealer);
}

/**
 * The system's timers until the process they belong to dies: after `kill()` no callback, pending or future,
 * ever runs (as when an app is killed: nothing it scheduled happens).
 */
class MortalTimers implements EngineTimers {
  #dead = false;
  setTimeout(callback: () => void, ms: number): unknown {
    return systemTimers.setTimeout(() => {
      if (!this.#dead) callback();
    }, ms);
  }
  clearTimeout(handle: unknown): void {
    systemTimers.clearTimeout(handle);
  }
  kill(): void {
    this.#dead = true;
  }
}

/**
 * One user's device whose storage outlives the client: `start()` again after `stop()` is the same device
 * restarting (same IndexedDB, same engine state), as an app relaunch would be.
 */
export class TestDevice {
  readonly indexedDB: IndexedDbFactory;
  client: ParleyClient | undefined;
  /** The relay socket the client opened to each relay URL (a malicious peer sends on it: malicious-peer.ts). */
  readonly sockets = new Map<string, RelaySocket>();
  #timers = new MortalTimers();

  constructor(
    readonly name: string,
    private readonly relay: TestRelay,
    private readonly options: DeviceOptions = {},
  ) {
    this.indexedDB = options.indexedDB ?? freshIndexedDb();
  }

  /** What `start()` passes to ParleyClient.start (importBackup takes the same). */
  clientOptions(): Parameters<typeof ParleyClient.start>[0] {
    // One attachment crypto thread per client, for both directions, as the apps have.
    const crypto = workerCrypto();
    return {
      indexedDB: this.indexedDB,
      databaseName: `parley-${this.name}`,
      keyWrapper: (this.options.keyWrapper ?? ((key) => key))(
        createSecretboxKeyWrapper(new Uint8Array(32).fill(9)),
      ),
      relayUrl: this.options.relayUrl ?? this.relay.url,
      socketFactory: (url) => {
        const socket = io(url, {
          transports: ['websocket'],
          autoConnect: false,
          forceNew: true,
          reconnectionDelay: 50,
          reconnectionDelayMax: 200,
        }) as unknown as RelaySocket;
        this.sockets.set(url, socket);
        return socket;
      },
      ...(this.options.direct === false ? {} : { wrtc: this.options.wrtc ?? wrtc }),
      displayName: this.name,
      fetch: globalThis.fetch as unknown as FetchLike,
      ...(this.options.fetch === undefined ? {} : { fetch: this.options.fetch }),
      ...(this.options.fileSink === undefined ? {} : { fileSink: this.options.fileSink }),
      ...(this.options.maxFileBytes === undefined ? {} : { maxFileBytes: this.options.maxFileBytes }),
      ...(this.options.storedFile === undefined ? {} : { storedFile: this.options.storedFile }),
      ...(this.options.stateStore === undefined ? {} : { stateStore: this.options.stateStore }),
      ...(this.options.reopenFileSource === undefined
        ? {}
        : { reopenFileSource: this.options.reopenFileSource }),
      ...(this.options.readReceipts === undefined ? {} : { readReceipts: this.options.readReceipts }),
      ...(this.options.now === undefined ? {} : { now: this.options.now }),
      ...(this.options.access === undefined ? {} : { access: this.options.access }),
      ...(this.options.cryptoBackend === undefined ? {} : { cryptoBackend: this.options.cryptoBackend }),
      ...(this.options.callTimeouts === undefined ? {} : { callTimeouts: this.options.callTimeouts }),
      ...(this.options.attachmentOpener === 'inline'
        ? {}
        : { attachmentOpener: this.options.attachmentOpener ?? crypto.attachmentOpener }),
      ...(this.options.attachmentSealer === 'inline'
        ? {}
        : { attachmentSealer: this.options.attachmentSealer ?? crypto.attachmentSealer }),
      tuning: { ...FAST, ...this.options.tuning },
      timers: this.#timers,
    };
  }

  async start(): Promise<ParleyClient> {
    const client = await ParleyClient.start(this.clientOptions());
    this.client = client;
    return client;
  }

  /**
   * Links this (fresh) device to `primary`'s account the way the linking flow will: its own identity is
   * made here, the primary signs and publishes a list naming it, and it starts with that list.
   */
  async startLinkedTo(primary: TestDevice): Promise<ParleyClient> {
    const key = await ParleyClient.prepareLinkedDevice(this.clientOptions());
    const { list } = await primary.c.devices.add(key);
    const client = await ParleyClient.start({ ...this.clientOptions(), linkedDevice: { list } });
    this.client = client;
    return client;
  }

  get c(): ParleyClient {
    if (this.client === undefined) throw new Error(`${this.name} is not running`);
    return this.client;
  }

  async stop(): Promise<void> {
    await this.client?.close();
    this.client = undefined;
  }

  /**
   * The app is killed: none of its timers fire again, its relay sockets drop, and nothing is flushed or
   * closed (what it held only in memory is gone). `start()` is then the relaunch on the same storage.
   */
  crash(): void {
    this.#timers.kill();
    this.#timers = new MortalTimers();
    for (const socket of this.sockets.values()) socket.close();
    this.sockets.clear();
    this.client = undefined;
  }
}
