import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../store/open.node.js';
import { listeningLine, startCli, waitUntilServing } from '../testing/cli.node.js';
import { freePort } from '../testing/ports.node.js';
import { startLoopbackRegistry, type LoopbackRegistry } from '../testing/loopback-registry.node.js';

/**
 * What an operator does with a release: `npm pack` the relay, `npm install -g` the tarball into an empty prefix
 * on a machine without the repository, and run `parley-relay serve` from an empty folder. The registry npm
 * installs the dependencies from is a loopback stand-in for the public one (testing/loopback-registry.node.ts),
 * so the test stays on 127.0.0.1. Slow: npm compiles better-sqlite3 for this Node, as on a real host.
 */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const RELAY = join(REPO, 'relay');
const WEB_BUILD = join(REPO, 'desktop', 'dist', 'renderer', 'index.html');
// Mostly npm compiling better-sqlite3: the whole test took 12 minutes at a load average of 20 on 2 cores.
const INSTALL_TIMEOUT_MS = 25 * 60_000;

let root: string;
let registry: LoopbackRegistry;
let bin: string;
let installedPackage: string;

/** Runs a command without blocking this process, whose event loop serves the loopback registry meanwhile. */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`${command} ${args.join(' ')} failed (${code}):\n${stdout}\n${stderr}`)),
    );
  });
}

/** An environment with nothing of the repository in it: a fresh HOME and npm cache, no NODE_PATH, no INIT_CWD. */
function cleanEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: `${join(root, 'prefix', 'bin')}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: home,
    LANG: 'C.UTF-8',
  };
}

/** The folder whose include/node holds this Node's headers (npm's nodedir), as Node packages install them. */
function nodeHeaders(): string {
  const configured = process.env['npm_config_nodedir'];
  if (configured) return configured;
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include', 'node', 'node.h'))) return prefix;
  throw new Error(`no Node headers under ${prefix}/include/node: install them to build better-sqlite3`);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'parley-pack-'));
  // The release build: the web client (when a suite run has not built it yet), then the relay bundle.
  if (!existsSync(WEB_BUILD)) await run('npm', ['run', 'build:web'], REPO);
  const packed =
    (await run('npm', ['pack', '--pack-destination', root], RELAY)).trim().split('\n').at(-1) ?? '';
  expect(packed).toMatch(/^parley-relay-.+\.tgz$/);

  registry = await startLoopbackRegistry(join(REPO, 'package-lock.json'));
  const home = join(root, 'home');
  await mkdir(home, { recursive: true });
  const env = {
    ...cleanEnv(home),
    npm_config_registry: registry.url,
    npm_config_cache: join(home, '.npm'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    // Native modules compile against this Node's own headers (as on a host with Debian's or NodeSource's Node)
    // rather than downloading prebuilt binaries or headers: nothing leaves loopback.
    npm_config_build_from_source: 'true',
    npm_config_nodedir: nodeHeaders(),
  };
  await run('npm', ['install', '-g', '--prefix', join(root, 'prefix'), join(root, packed)], root, env);
  bin = join(root, 'prefix', 'bin', 'parley-relay');
  installedPackage = join(root, 'prefix', 'lib', 'node_modules', '@parley', 'relay');
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await registry?.close();
  await rm(root, { recursive: true, force: true });
});

describe('the packed relay', () => {
  it('installs from its tarball with compiled code, the web client and run-time dependencies only', () => {
    expect(existsSync(bin)).toBe(true);
    const files = readdirSync(installedPackage);
    expect(files).toEqual(expect.arrayContaining(['bin', 'build', 'package.json']));
    expect(files).not.toContain('src');
    expect(existsSync(join(installedPackage, 'build', 'web', 'index.html'))).toBe(true);
    // tsx is for development; the installed relay runs on plain Node.
    expect(existsSync(join(installedPackage, 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(join(installedPackage, 'node_modules', 'better-sqlite3'))).toBe(true);
  });

  it('serves the web client and the API from an empty folder, printing its data folder and relay key', async () => {
    const port = await freePort();
    const cwd = join(root, 'empty');
    const data = join(root, 'data');
    await mkdir(cwd, { recursive: true });
    const relay = startCli(['serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', data], {
      command: [bin],
      cwd,
      env: { ...cleanEnv(join(root, 'home')), NODE_OPTIONS: '' },
    });
    try {
      const serving = await waitUntilServing(`http://127.0.0.1:${port}/readyz`, relay);
      expect(serving, relay.output.stdout + relay.output.stderr).toBe(true);
      expect(listeningLine(relay.output.stdout)).toMatchObject({
        dataDir: data,
        relayKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as unknown,
        webRoot: join(installedPackage, 'build', 'web/'),
      });
      expect(existsSync(join(data, SQLITE_FILE))).toBe(true);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root"');
      const info = (await (await fetch(`http://127.0.0.1:${port}/v1/relay`)).json()) as { policy: string };
      expect(info.policy).toBe('open');
    } finally {
      relay.child.kill('SIGTERM');
    }
    expect((await relay.exited).code).toBe(0);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
