import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type RelayConfig } from '../config.js';
import { startRelay, type Relay } from '../relay.node.js';

/** A real relay on 127.0.0.1 with the real SQLite store in a fresh temporary data directory. */
export interface TestRelay {
  relay: Relay;
  dataDir: string;
  /** The fake clock's current value; tests move it forward instead of sleeping. */
  clock: { now: number };
  token(identity: string): string;
  stop(): Promise<void>;
}

export async function startTestRelay(overrides: Partial<RelayConfig> = {}): Promise<TestRelay> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-relay-http-'));
  const clock = { now: Date.now() };
  const relay = await startRelay(
    defaultConfig({ port: 0, host: '127.0.0.1', logLevel: 'silent', dataDir, ...overrides }),
    { now: () => clock.now },
  );
  return {
    relay,
    dataDir,
    clock,
    token: (identity) => relay.context.tokens.issue(identity, clock.now).token,
    async stop() {
      await relay.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A random identity: 32 bytes, base64url, as the protocol's IdentitySchema expects. */
export const identity = () => randomBytes(32).toString('base64url');

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
