import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wrtc from '@roamhq/wrtc';
import { workerOpener } from '@parley/core/crypto/opener/node';
import { freshIndexedDb } from '@parley/core/testing/indexeddb';
import { io } from 'socket.io-client';
import {
  ParleyClient,
  createSecretboxKeyWrapper,
  systemTimers,
  type AttachmentOpener,
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
  type ParleyClientEvents,
  type RelayAccess,
  type RelaySocket,
} from '@parley/core';
import {
  defaultConfig,
  openSqliteStore,
  SQLITE_FILE,
  startRelay,
  uniformRateLimits,
  type Relay,
  type RelayConfig,
  type RelayStore,
  type SecretStore,
} from '@parley/relay';

/** A relay on 127.0.0.1 with its real SQLite store; `restart()` brings it back on the same port and data. */
export class TestRelay {
  #relay: Relay | undefined;
  #port = 0;
  #overrides: Partial<RelayConfig> = {};
  /** A store this harness opened for the relay (startRelay closes only the stores it opens itself). */
  #store: RelayStore | undefined;

  private constructor(
    readonly dataDir: string,
    private readonly config: Partial<RelayConfig> = {},
  ) {}

  /** `config` overrides the defaults (an access policy, say). */
  static async start(config: Partial<RelayConfig> = {}): Promise<TestRelay> {
    const relay = new TestRelay(await mkdtemp(join(tmpdir(), 'parley-engine-')), config);
    await relay.#start();
    return relay;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The running relay (its store, to mint invites). */
  get relay(): Relay {
    if (this.#relay === undefined) throw new Error('the relay is stopped');
    return this.#relay;
  }

  /** The running relay's own store (SQLite here), to check what it keeps. */
  get store(): Relay['context']['store'] {
    return this.relay.context.store;
  }

  async #start(store?: RelayStore): Promise<void> {
    this.#store = store;
    this.#relay = await startRelay(
      defaultConfig({
        port: this.#port,
        host: '127.0.0.1',
        logLevel: 'silent',
        dataDir: this.dataDir,
        ...this.#overrides,
        rateLimits: uniformRateLimits(100_000),
        // Suites fetch bundles in bursts (a stranger draining prekeys, say); prekey-fetch limits have their own.
        prekeyFetchLimits: {
          perRequester: { points: 100_000, windowSeconds: 1 },
          perTarget: { points: 100_000, windowSeconds: 1 },
        },
        ...this.config,
      }),
      store === undefined ? {} : { store },
    );
    this.#port = this.#relay.port;
  }

  async stop(): Promise<void> {
    await this.#relay?.close();
    this.#relay = undefined;
    await this.#store?.close();
    this.#store = undefined;
  }

  /**
   * Restarts on the same port and data, holding the same blobs, but signing with another relay key: what a
   * relay presents after its host changed hands or its key was replaced.
   */
  async restartWithAnotherKey(seed: Uint8Array): Promise<void> {
    await this.stop();
    const store = await openSqliteStore({ path: join(this.dataDir, SQLITE_FILE) });
    const secrets: SecretStore = {
      getOrCreate: (name, create) =>
        name === 'relay-signing-seed' ? Promise.resolve(seed) : store.secrets.getOrCreate(name, create),
    };
    // A proxy, not a spread: the store's methods use its private fields, so they must run on the store itself.
    const swapped = new Proxy(store, {
      get: (target, property) => {
        if (property === 'secrets') return secrets;
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    await this.#start(swapped);
  }

  /** Restarts on the same port and data; with `overrides`, under that configuration from now on. */
  async restart(overrides?: Partial<RelayConfig>): Promise<void> {
    if (overrides !== undefined) this.#overrides = overrides;
    await this.stop();
    await this.#start();
  }

  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

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
        : { attachmentOpener: this.options.attachmentOpener ?? workerOpener }),
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

/** Resolves with the first `event` payload that satisfies `match`. */
export function next<K extends keyof ParleyClientEvents>(
  client: ParleyClient,
  event: K,
  match: (payload: ParleyClientEvents[K]) => boolean = () => true,
): Promise<ParleyClientEvents[K]> {
  return new Promise((resolve) => {
    const off = client.on(event, (payload) => {
      if (!match(payload)) return;
      off();
      resolve(payload);
    });
  });
}

/** Collects every `event` payload from now on. */
export function collect<K extends keyof ParleyClientEvents>(
  client: ParleyClient,
  event: K,
): ParleyClientEvents[K][] {
  const seen: ParleyClientEvents[K][] = [];
  client.on(event, (payload) => seen.push(payload));
  return seen;
}

/** Waits until `check` holds, re-checking whenever `client` emits anything relevant (and at most every 20 ms). */
export async function until(check: () => Promise<boolean> | boolean, what = 'condition'): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Two devices that know each other, both connected. */
export async function pair(a: TestDevice, b: TestDevice): Promise<void> {
  const [ca, cb] = [a.c, b.c];
  await until(() => ca.connected && cb.connected, 'both clients to connect');
  await ca.contacts.add(cb.profile.contactLink());
  await cb.contacts.add(ca.profile.contactLink());
}

/** A relay per test and the devices it created, all closed after the test. */
export function scenario(): {
  relay: () => TestRelay;
  device: (name: string, options?: DeviceOptions) => TestDevice;
  setup: () => Promise<void>;
  /** A relay with this configuration (an access policy, say) instead of the default one. */
  setupWith: (config: Partial<RelayConfig>) => Promise<void>;
  teardown: () => Promise<void>;
} {
  let relay: TestRelay | undefined;
  let devices: TestDevice[] = [];
  return {
    relay: () => {
      if (relay === undefined) throw new Error('no relay');
      return relay;
    },
    device: (name, options) => {
      if (relay === undefined) throw new Error('no relay');
      const created = new TestDevice(name, relay, options);
      devices.push(created);
      return created;
    },
    setup: async () => {
      relay = await TestRelay.start();
    },
    setupWith: async (config) => {
      relay = await TestRelay.start(config);
    },
    teardown: async () => {
      for (const device of devices) await device.stop();
      devices = [];
      await relay?.destroy();
      relay = undefined;
    },
  };
}

/** `admin` creates a group with `members` and waits until each member holds it; resolves the group id. */
export async function groupOf(admin: TestDevice, name: string, members: TestDevice[]): Promise<string> {
  const conversation = await admin.c.groups.create(
    name,
    members.map((member) => member.c.account),
  );
  const groupId = conversation.slice('group:'.length);
  for (const member of members)
    await until(
      async () => (await member.c.groups.get(groupId)) !== undefined,
      `${member.name} to learn the group`,
    );
  return groupId;
}

/** Starts each device and makes every pair contacts of each other. */
export async function startAll(...devices: TestDevice[]): Promise<void> {
  for (const device of devices) await device.start();
  for (let i = 0; i < devices.length; i++) {
    for (let j = i + 1; j < devices.length; j++) await pair(devices[i]!, devices[j]!);
  }
}

/** Bytes of a recognisable, non-repeating-per-chunk pattern (files whose every byte is checked). */
export function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return bytes;
}
