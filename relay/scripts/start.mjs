#!/usr/bin/env node
// `npm start` for the relay: the relay, and the group-call SFU beside it when a mediasoup worker is available
// (sfu/scripts/build-worker.sh --check finds mediasoup's prebuilt worker or the cached source build; it never
// builds here). The relay then tells clients where the SFU is (`/v1/relay`, `sfu:token`), and the SFU reads
// the relay's public key from the relay's /v1/relay: nothing is shared but that key.
//
// The relay runs compiled (bin/parley-relay.mjs; the root `npm start` builds it first). The two are separate processes (relay/ and sfu/ never import each other). Arguments go to the relay.
// PARLEY_NO_SFU=1 starts the relay alone; PARLEY_SFU_URL overrides the URL handed to clients (the default,
// http://localhost:7780, suits one machine; put the public address there behind a proxy).
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const relayDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(relayDir, '..');
const args = process.argv.slice(2);

function flag(name, fallback) {
  const index = args.indexOf(name);
  if (index >= 0 && args[index + 1]) return args[index + 1];
  const inline = args.find((arg) => arg.startsWith(`${name}=`));
  return inline ? inline.slice(name.length + 1) : fallback;
}

function findWorker() {
  if (process.env.PARLEY_NO_SFU === '1') return undefined;
  if (process.env.MEDIASOUP_WORKER_BIN) return process.env.MEDIASOUP_WORKER_BIN;
  const found = spawnSync('bash', [join(repo, 'sfu/scripts/build-worker.sh'), '--check'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  return found.status === 0 ? found.stdout.trim().split('\n').at(-1) : undefined;
}

const worker = findWorker();
const relayPort = flag('--port', process.env.PORT ?? '7777');
const sfuPort = process.env.PARLEY_SFU_PORT ?? '7780';
const env = { ...process.env };
if (worker) env.PARLEY_SFU_URL ??= `http://localhost:${sfuPort}`;
else
  console.error(
    'parley: no mediasoup worker (sfu/scripts/build-worker.sh builds one): group calls stay peer to peer',
  );

const children = [];
function start(label, command, commandArgs, childEnv) {
  const child = spawn(command, commandArgs, { cwd: relayDir, env: childEnv, stdio: 'inherit' });
  children.push(child);
  child.on('exit', (code, signal) => {
    children.splice(children.indexOf(child), 1);
    if (label === 'relay') {
      for (const other of children) other.kill('SIGTERM');
      process.exitCode = code ?? (signal ? 1 : 0);
    } else if (!stopping) {
      console.error(
        `parley: the SFU exited (${signal ?? code}); the relay keeps running without group calls`,
      );
    }
  });
  return child;
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    for (const child of children) child.kill(signal);
  });
}

start('relay', process.execPath, ['bin/parley-relay.mjs', 'serve', ...args], env);
if (worker) {
  start('sfu', process.execPath, [join(repo, 'sfu/bin/parley-sfu.mjs')], {
    ...process.env,
    MEDIASOUP_WORKER_BIN: worker,
    PARLEY_SFU_PORT: sfuPort,
    PARLEY_RELAY_URL: process.env.PARLEY_RELAY_URL ?? `http://127.0.0.1:${relayPort}`,
  });
}
