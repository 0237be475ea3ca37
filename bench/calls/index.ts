/**
 * Runs the call benches: `npx tsx bench/calls/index.ts`, or `npm run bench` for every suite inside a
 * loopback-only network namespace (one-to-one.ts opens WebRTC: run it only inside one). The group-call
 * bench needs a mediasoup worker (MEDIASOUP_WORKER_BIN, or sfu/scripts/build-worker.sh's cached one); without
 * one only the 1:1 benches run. browser-call.ts (and group-browser.ts, with the worker) run when the web client
 * is built (npm run build:web).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { runSuite } from '../lib/run-suite.node.js';

const benches = ['one-to-one.ts'];
// The same call in the web client in Chromium: needs the built client (npm run build:web) and Debian's Chromium.
const builtClient = new URL('../../desktop/dist/renderer/index.html', import.meta.url);
if (existsSync(builtClient) && existsSync(process.env['PARLEY_CHROMIUM'] ?? '/usr/bin/chromium'))
  benches.push('browser-call.ts');
else console.error('no built web client or no Chromium (npm run build:web): skipping browser-call.ts');
if (!process.env['MEDIASOUP_WORKER_BIN']) {
  // The worker sfu/scripts/build-worker.sh already provided (prebuilt or cached build); benches never build.
  const found = spawnSync('bash', ['sfu/scripts/build-worker.sh', '--check'], { encoding: 'utf8' });
  const binary = found.stdout.trim().split('\n').at(-1);
  if (found.status === 0 && binary) process.env['MEDIASOUP_WORKER_BIN'] = binary;
}
if (process.env['MEDIASOUP_WORKER_BIN']) {
  benches.push('worker-capacity.ts', 'group-mesh.ts');
  // Joining a group call in four Chromiums, mesh and SFU: the built client and Chromium, as browser-call.ts.
  if (benches.includes('browser-call.ts')) benches.push('group-browser.ts');
} else console.error('no mediasoup worker (run sfu/scripts/build-worker.sh): skipping worker-capacity.ts');

runSuite({
  name: 'Calls',
  from: import.meta.url,
  benches,
  // group-browser.ts takes about 5 minutes on a quiet 2-core machine, more under load.
  timeoutMs: 15 * 60_000,
});
