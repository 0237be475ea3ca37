/**
 * Runs the group-call benches: `npx tsx bench/calls/index.ts` (with MEDIASOUP_WORKER_BIN, or after
 * sfu/scripts/build-worker.sh), or `npm run bench` for every suite inside a loopback-only network namespace.
 */
import { spawnSync } from 'node:child_process';
import { runSuite } from '../lib/run-suite.node.js';

if (!process.env['MEDIASOUP_WORKER_BIN']) {
  // The worker sfu/scripts/build-worker.sh already provided (prebuilt or cached build); benches never build.
  const found = spawnSync('bash', ['sfu/scripts/build-worker.sh', '--check'], { encoding: 'utf8' });
  const binary = found.stdout.trim().split('\n').at(-1);
  if (found.status !== 0 || !binary) {
    console.error('no mediasoup worker: run sfu/scripts/build-worker.sh first');
    process.exit(1);
  }
  process.env['MEDIASOUP_WORKER_BIN'] = binary;
}

runSuite({
  name: 'Calls',
  from: import.meta.url,
  benches: ['worker-capacity.ts'],
  timeoutMs: 5 * 60_000,
});
