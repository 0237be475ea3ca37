/**
 * A relay in its own process, for tests that kill or multiply it: reads a partial RelayConfig as JSON from
 * PARLEY_RELAY_CONFIG, starts the relay and prints one line `{"url": …}` once it listens. SIGTERM closes it
 * cleanly; SIGKILL is what the durability test sends. Run with `node --import tsx`.
 */
import { defaultConfig, type RelayConfig } from '../config.js';
import { startRelay } from '../relay.node.js';

const overrides = JSON.parse(process.env['PARLEY_RELAY_CONFIG'] ?? '{}') as Partial<RelayConfig>;
const relay = await startRelay(
  defaultConfig({ port: 0, host: '127.0.0.1', logLevel: 'silent', ...overrides }),
);
process.stdout.write(`${JSON.stringify({ url: relay.url })}\n`);
process.once('SIGTERM', () => {
  void relay.close().then(() => process.exit(0));
});
