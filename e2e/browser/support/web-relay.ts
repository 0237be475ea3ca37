import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig, startRelay, type Relay, type RelayConfig } from '@parley/relay';

/** The built web client (npm run build:web). */
export const WEB_ROOT = fileURLToPath(new URL('../../../desktop/dist/renderer', import.meta.url));

/**
 * A real relay on 127.0.0.1 (random port) with SQLite in a temporary folder, serving the built web client at
 * `/`. http://127.0.0.1 is a secure context, so camera, microphone and WebCrypto work as on https.
 */
export class WebRelay {
  private constructor(
    private readonly relay: Relay,
    readonly dataDir: string,
  ) {}

  /** `policy`: who may register (default open); invite tokens come from `createInvite`. */
  static async start(options: { policy?: RelayConfig['access']['policy'] } = {}): Promise<WebRelay> {
    if (!existsSync(join(WEB_ROOT, 'index.html')))
      throw new Error(`${WEB_ROOT}/index.html is missing: run npm run build:web first`);
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-browser-'));
    const base = defaultConfig();
    const relay = await startRelay(
      defaultConfig({
        access: { ...base.access, policy: options.policy ?? 'open' },
        port: 0,
        host: '127.0.0.1',
        dataDir,
        webRoot: WEB_ROOT,
        logLevel: 'silent',
        rateLimits: {
          perConnection: { points: 100_000, windowSeconds: 1 },
          perIdentity: { points: 100_000, windowSeconds: 1 },
          authPerAddress: { points: 100_000, windowSeconds: 1 },
        },
      }),
    );
    return new WebRelay(relay, dataDir);
  }

  get url(): string {
    return `http://127.0.0.1:${this.relay.port}/`;
  }

  /** A one-use invite token, as `parley-relay invite` mints it (only its hash is stored). */
  async createInvite(): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    const tokenHash = createHash('sha256').update(token).digest('hex');
    await this.relay.context.store.access.createInvite(tokenHash, 1, Date.now() + 24 * 60 * 60 * 1000);
    return token;
  }

  async close(): Promise<void> {
    await this.relay.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
