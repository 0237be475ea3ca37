/**
 * Runs every linked-devices bench, one process each: `npx tsx bench/devices/index.ts` inside a loopback-only
 * namespace (the benches open WebRTC connections), or `npm run bench` for the whole suite.
 */
import { runSuite } from '../lib/run-suite.node.js';

runSuite({
  name: 'Linked devices',
  from: import.meta.url,
  benches: ['history-transfer.ts'],
  timeoutMs: 5 * 60_000,
});
