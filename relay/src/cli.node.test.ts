import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, SQLITE_FILE } from './store/index.js';

const BIN = fileURLToPath(new URL('../bin/parley-relay.mjs', import.meta.url));
let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-cli-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output.stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output.stderr += text));
  const exited = new Promise<Run>((resolve) => child.on('exit', (code) => resolve({ code, ...output })));
  return { child, output, exited };
}

const run = (args: string[], env: Record<string, string> = {}) => start(args, env).exited;

/** Asks the OS for a free loopback port, so the spawned relay's address is known in advance. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

describe('parley-relay invite', () => {
  it('prints a token whose hash admits as many identities as --uses says', async () => {
    const result = await run(['invite', '--data-dir', dataDir, '--uses', '2']);
    expect(result.code).toBe(0);
    const token = result.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    const store = await openSqliteStore({ path: join(dataDir, SQLITE_FILE) });
    try {
      const tokenHash = createHash('sha256').update(token).digest('hex');
      expect(await store.access.redeemInvite(tokenHash, Date.now())).toBe(true);
      expect(await store.access.redeemInvite(tokenHash, Date.now())).toBe(true);
      expect(await store.access.redeemInvite(tokenHash, Date.now())).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('refuses a non-numeric --uses with exit status 2', async () => {
    const result = await run(['invite', '--data-dir', dataDir, '--uses', 'many']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('uses must be a positive integer');
  });
});

describe('parley-relay stats', () => {
  it('prints the stored counts as JSON', async () => {
    const result = await run(['stats', '--data-dir', dataDir]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ blobs: 0, blobBytes: 0, attachments: 0, attachmentBytes: 0 });
  });
});

describe('parley-relay serve', () => {
  it('explains an invalid flag and exits with status 2', async () => {
    const result = await run(['serve', '--port', 'abc', '--data-dir', dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('port must be an integer 0-65535');
  });

  it('serves on PORT with PARLEY_DATA_DIR and drains on SIGTERM, exiting 0 with the store closed', async () => {
    const port = await freePort();
    const relay = start(['serve', '--host', '127.0.0.1'], { PORT: String(port), PARLEY_DATA_DIR: dataDir });
    let healthy = false;
    while (!healthy && relay.child.exitCode === null) {
      healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (!healthy) await sleep(50);
    }
    expect(healthy, relay.output.stderr).toBe(true);
    expect(existsSync(join(dataDir, SQLITE_FILE))).toBe(true);

    relay.child.kill('SIGTERM');
    const result = await relay.exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('relay stopped');
    // SQLite removes the write-ahead log when the last connection closes cleanly.
    expect(existsSync(join(dataDir, `${SQLITE_FILE}-wal`))).toBe(false);
  });
});
