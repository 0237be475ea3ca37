import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, uniformRateLimits, type RelayConfig } from '../config.js';
import { startRelay, type Relay } from '../relay.node.js';
import { connectClient, type ConnectOptions, type TestClient } from '../testing/client.node.js';

/** Tests send bursts no real client would; the rate-limit tests set their own limits. */
const GENEROUS = uniformRateLimits(100_000);

/** A real relay on 127.0.0.1 with the real SQLite store in a fresh data directory and a fake clock. */
export interface RealtimeTestRelay {
  relay: Relay;
  /** Tests move this forward instead of sleeping. */
  clock: { now: number };
  connect(options?: ConnectOptions): Promise<TestClient>;
  stop(): Promise<void>;
}

export async function startRealtimeRelay(overrides: Partial<RelayConfig> = {}): Promise<RealtimeTestRelay> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-realtime-'));
  const clock = { now: Date.now() };
  const relay = await startRelay(
    defaultConfig({
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      dataDir,
      rateLimits: GENEROUS,
      prekeyFetchLimits: { perRequester: GENEROUS.perIdentity, perTarget: GENEROUS.perIdentity },
      ...overrides,
    }),
    { now: () => clock.now },
  );
  const clients: TestClient[] = [];
  return {
    relay,
    clock,
    async connect(options) {
      const client = await connectClient(relay.url, options);
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.close();
      await relay.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
