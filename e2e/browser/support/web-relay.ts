import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig, startRelay, uniformRateLimits, type Relay, type RelayConfig } from '@parley/relay';
import type { Sfu } from '@parley/sfu';
import { startCallServer } from './call-server.js';
import { freePort } from './ports.js';

/**
 * The group-call SFU beside the relay: `trusting` checks tokens with this relay's key (as `npm start` runs
 * it); `distrusting` with another key, so every ticket this relay signs looks forged to it; `dishonest`
 * trusts this relay and also lets a page observe a room unseen (the SFU's test-only `observers` setting: the
 * threat model's SFU forwarding a call to someone the participants do not know of).
 */
export type CallServerMode = 'trusting' | 'distrusting' | 'dishonest';

/** The built web client (npm run build:web). */
export const WEB_ROOT = fileURLToPath(new URL('../../../desktop/dist/renderer', import.meta.url));

/**
 * A real relay on 127.0.0.1 (random port) with SQLite in a temporary folder, serving the built web client at
 * `/`. http://127.0.0.1 is a secure context, so camera, microphone and WebCrypto work as on https.
 */
export class WebRelay {
  #relay: Relay | undefined;
  #port = 0;
  #publicUrls: string[] = [];
  #sfuPort: number | undefined;
  #sfu: Sfu | undefined;

  private constructor(
    readonly dataDir: string,
    private readonly policy: RelayConfig['access']['policy'],
    private readonly turn: RelayConfig['turn'] | undefined,
  ) {}

  /**
   * `policy`: who may register (default open); invite tokens come from `createInvite`. `turn`: the TURN
   * servers it hands out (a TestCoturn's `relaySetting()`); none by default.
   */
  static async start(
    options: {
      policy?: RelayConfig['access']['policy'];
      callServer?: CallServerMode;
      turn?: RelayConfig['turn'];
    } = {},
  ): Promise<WebRelay> {
    if (!existsSync(join(WEB_ROOT, 'index.html')))
      throw new Error(`${WEB_ROOT}/index.html is missing: run npm run build:web first`);
    const relay = new WebRelay(
      await mkdtemp(join(tmpdir(), 'parley-browser-')),
      options.policy ?? 'open',
      options.turn,
    );
    if (options.callServer !== undefined) relay.#sfuPort = await freePort();
    await relay.resume();
    if (options.callServer !== undefined && relay.#sfuPort !== undefined) {
      const info = (await (await fetch(`${relay.url}v1/relay`)).json()) as { relayKey: string };
      const key =
        options.callServer === 'distrusting' ? randomBytes(32).toString('base64url') : info.relayKey;
      relay.#sfu = await startCallServer(relay.#sfuPort, key, {
        observers: options.callServer === 'dishonest',
      });
    }
    return relay;
  }

  /** The SFU beside this relay (started with `callServer`). */
  get sfu(): Sfu {
    if (this.#sfu === undefined) throw new Error('this relay was started without a call server');
    return this.#sfu;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/`;
  }

  /** Shuts the relay down (its data stays): clients see it vanish. */
  async stop(): Promise<void> {
    await this.#relay?.close();
    this.#relay = undefined;
  }

  /** Starts it again on the same port with the same data. */
  async resume(): Promise<void> {
    const base = defaultConfig();
    this.#relay = await startRelay(
      defaultConfig({
        access: { ...base.access, policy: this.policy },
        port: this.#port,
        host: '127.0.0.1',
        dataDir: this.dataDir,
        webRoot: WEB_ROOT,
        publicUrls: this.#publicUrls,
        ...(this.#sfuPort === undefined
          ? {}
          : { sfu: { url: `http://127.0.0.1:${this.#sfuPort}`, tokenTtlSeconds: 60 } }),
        logLevel: 'silent',
        ...(this.turn === undefined ? {} : { turn: this.turn }),
        rateLimits: uniformRateLimits(100_000),
      }),
    );
    this.#port = this.#relay.port;
  }

  /**
   * Restarts the relay (same port and data) knowing `url` as one of its own, as `--public-url` does for a
   * relay behind a proxy: logins dialled through that URL name it.
   */
  async addPublicUrl(url: string): Promise<void> {
    this.#publicUrls = [...this.#publicUrls, url];
    await this.stop();
    await this.resume();
  }

  /** A one-use invite token, as `parley-relay invite` mints it (only its hash is stored). */
  async createInvite(): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    const tokenHash = createHash('sha256').update(token).digest('hex');
    if (this.#relay === undefined) throw new Error('the relay is stopped');
    await this.#relay.context.store.access.createInvite(tokenHash, 1, Date.now() + 24 * 60 * 60 * 1000);
    return token;
  }

  async close(): Promise<void> {
    await this.#sfu?.close();
    this.#sfu = undefined;
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
