#!/usr/bin/env node
// Runs every bench suite inside a network namespace that has only loopback, so no bench can send a packet
// anywhere but 127.0.0.1 (the project's network rule), with the open-file limit raised to the hard limit for
// the thousands of connections the relay benches open. Each suite prints its figures as ratios against a
// baseline measured in the same run; nothing here asserts a number.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const suites = [
  { name: 'crypto', script: 'bench/crypto/index.ts' },
  { name: 'storage', script: 'bench/storage/index.ts' },
  { name: 'relay', script: 'bench/relay/index.ts' },
  { name: 'engine', script: 'bench/engine/index.ts' },
  { name: 'devices', script: 'bench/devices/index.ts' },
  // Needs a mediasoup worker: MEDIASOUP_WORKER_BIN, or sfu/scripts/build-worker.sh's cached one.
  { name: 'calls', script: 'bench/calls/index.ts' },
  // Needs the built web client and Debian's Chromium.
  { name: 'ui', script: 'bench/ui/index.ts', before: 'npm run build:web' },
];

function loopbackOnly(shellCommand) {
  return [
    'unshare',
    ['-rn', 'sh', '-c', `ip link set lo up && ulimit -n "$(ulimit -Hn)" && ${shellCommand}`],
  ];
}

const probe = spawnSync(...loopbackOnly('true'), { stdio: 'pipe' });
if (probe.status !== 0) {
  console.error(
    'Cannot create a loopback-only network namespace (`unshare -rn` and `ip` from iproute2); benches only run inside one.\n' +
      String(probe.stderr ?? probe.error ?? ''),
  );
  process.exit(1);
}

const failed = [];
for (const suite of suites) {
  if (!existsSync(`${root}/${suite.script}`)) {
    console.log(`\n=== ${suite.name}: skipped, ${suite.script} does not exist yet`);
    continue;
  }
  console.log(`\n=== ${suite.name}: ${suite.script}`);
  if (
    suite.before !== undefined &&
    spawnSync(suite.before, { cwd: root, stdio: 'inherit', shell: true }).status !== 0
  ) {
    failed.push(suite.name);
    continue;
  }
  const [command, args] = loopbackOnly(`exec node --import tsx ${suite.script}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed.push(suite.name);
}
if (failed.length > 0) {
  console.error(`\nbench suites failed: ${failed.join(', ')}`);
  process.exit(1);
}
