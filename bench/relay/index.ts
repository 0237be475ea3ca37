/**
 * Runs every relay bench, one process each: `npx tsx bench/relay/index.ts`, or `npm run bench` for the whole
 * suite inside a loopback-only network namespace.
 */
import { runSuite } from '../lib/run-suite.node.js';

runSuite({
  name: 'Relay',
  from: import.meta.url,
  benches: [
    'auth.ts',
    'signalling.ts',
    'signalling-scale-out.ts',
    'blobs-store.ts',
    'blobs-relay.ts',
    'memory.ts',
  ],
  // Each bench takes 10–60 s.
  timeoutMs: 5 * 60_000,
});
