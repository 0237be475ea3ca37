/** Runs every storage bench, one process each: `npx tsx bench/storage/index.ts`. */
import { runSuite } from '../lib/run-suite.node.js';

runSuite({
  name: 'Storage',
  from: import.meta.url,
  benches: ['sealed-content.ts'],
  timeoutMs: 5 * 60_000,
});
