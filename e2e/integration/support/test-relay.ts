import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
