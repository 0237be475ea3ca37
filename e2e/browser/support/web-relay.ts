import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig, startRelay, type Relay } from '@parley/relay';

/** The built web client (npm run build:web). */
export const WEB_ROOT = fileURLToPath(new URL('../../../desktop/dist/renderer', import.meta.url));

/**
 * A real relay on 127.0.0.1 (random port) with SQLite in a temporary folder, serving the built web client at
 * `/`. http://127.0.0.1 is a secure context, so camera, microphone and WebCrypto work as on https.
 */
export class WebRelay {
  #relay: Relay | undefined;
  #port = 0;

  private constructor(readonly dataDir: string) {}

  static async start(): Promise<WebRelay> {
    if (!existsSync(join(WEB_ROOT, 'index.html')))
      throw new Error(`${WEB_ROOT}/index.html is missing: run npm run build:web first`);
    const relay = new WebRelay(await mkdtemp(join(tmpdir(), 'parley-browser-')));
    await relay.resume();
    return relay;
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
    this.#relay = await startRelay(
      defaultConfig({
        port: this.#port,
        host: '127.0.0.1',
        dataDir: this.dataDir,
        webRoot: WEB_ROOT,
        logLevel: 'silent',
        rateLimits: {
          perConnection: { points: 100_000, windowSeconds: 1 },
          perIdentity: { points: 100_000, windowSeconds: 1 },
          authPerAddress: { points: 100_000, windowSeconds: 1 },
        },
      }),
    );
    this.#port = this.#relay.port;
  }

  async close(): Promise<void> {
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
