/**
 * The real relay as deployed: the compiled bundle (relay/build, `npm run build`) under plain Node, no tsx.
 * Chosen by `BENCH_RELAY=compiled` in place of relay.node.ts (lib/server-process.node.ts), configured the same
 * way: its config overrides (rate limits and blob quota raised, the store) arrive as JSON in argv[2]. It speaks the
 * same IPC protocol as lib/server-process.node.ts's serveParent (profiling is not offered here).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dist = new URL('../../../relay/build/index.js', import.meta.url);
if (!existsSync(dist)) throw new Error('relay/build is missing: run `npm run build -w @parley/relay` first');
const { defaultConfig, startRelay } = await import(dist.href);

const overrides = JSON.parse(process.argv[2] ?? '{}');
const dataDir = await mkdtemp(join(tmpdir(), 'parley-bench-relay-'));
// The parent (lib/server-process.node.ts) turns relay.node.ts's options into these overrides.
const relay = await startRelay(
  defaultConfig({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', ...overrides }),
);
const close = () => relay.close().then(() => rm(dataDir, { recursive: true, force: true }));
process.on('message', (message) => {
  if (message.type === 'gc') {
    globalThis.gc?.();
    globalThis.gc?.();
  }
  process.send?.({ type: 'done' });
});
process.once('SIGTERM', () => void close().finally(() => process.exit(0)));
process.once('disconnect', () => void close().finally(() => process.exit(0)));
process.send?.({ type: 'ready', port: relay.port });
