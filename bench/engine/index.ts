/**
 * Runs every engine bench, one process each: `npx tsx bench/engine/index.ts` inside a loopback-only namespace
 * (the benches open WebRTC connections), or `npm run bench` for the whole suite.
 */
import { runSuite } from '../lib/run-suite.node.js';

runSuite({
  name: 'Engine',
  from: import.meta.url,
  benches: ['latency.ts', 'file-transfer.ts', 'receive-path.ts', 'send-path.ts', 'relay-throughput.ts'],
  // Each bench takes 10–40 s.
  timeoutMs: 3 * 60_000,
});
