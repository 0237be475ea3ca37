import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, SQLITE_FILE } from './store/index.js';
import { listeningLine, runCli, startCli, waitUntilServing } from './testing/cli.node.js';
import { freePort } from './testing/ports.node.js';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-cli-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { env });
const start = (args: string[], env: Record<string, string> = {}) => startCli(args, { env });

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
    const healthy = await waitUntilServing(`http://127.0.0.1:${port}/healthz`, relay);
    expect(healthy, relay.output.stderr).toBe(true);
    expect(existsSync(join(dataDir, SQLITE_FILE))).toBe(true);
    // The operator learns from the first lines where the data is and which key clients will pin.
    expect(listeningLine(relay.output.stdout)).toMatchObject({
      dataDir,
      relayKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as unknown,
    });

    relay.child.kill('SIGTERM');
    const result = await relay.exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('relay stopped');
    // SQLite removes the write-ahead log when the last connection closes cleanly.
    expect(existsSync(join(dataDir, `${SQLITE_FILE}-wal`))).toBe(false);
  });
});

describe('parley-relay data directory', () => {
  async function serveUntilListening(env: Record<string, string>, cwd: string) {
    const port = await freePort();
    const relay = startCli(['serve', '--host', '127.0.0.1', '--port', String(port)], { env, cwd });
    const serving = await waitUntilServing(`http://127.0.0.1:${port}/healthz`, relay);
    expect(serving, relay.output.stderr).toBe(true);
    relay.child.kill('SIGTERM');
    expect((await relay.exited).code).toBe(0);
    return listeningLine(relay.output.stdout);
  }

  it('keeps data in the XDG data folder whichever folder it is started from', async () => {
    const elsewhere = join(dataDir, 'some', 'folder');
    await mkdir(elsewhere, { recursive: true });
    const env = { XDG_DATA_HOME: join(dataDir, 'xdg'), PARLEY_DATA_DIR: '', STATE_DIRECTORY: '' };
    const line = await serveUntilListening(env, elsewhere);
    expect(line?.['dataDir']).toBe(join(dataDir, 'xdg', 'parley-relay'));
    expect(existsSync(join(dataDir, 'xdg', 'parley-relay', SQLITE_FILE))).toBe(true);
    expect(existsSync(join(elsewhere, 'data'))).toBe(false);
  });

  it("uses systemd's StateDirectory when the service manager gives one", async () => {
    const state = join(dataDir, 'state');
    const line = await serveUntilListening({ STATE_DIRECTORY: state, PARLEY_DATA_DIR: '' }, dataDir);
    expect(line?.['dataDir']).toBe(state);
    expect(existsSync(join(state, SQLITE_FILE))).toBe(true);
  });
});

describe('parley-relay config', () => {
  it('accepts a valid file with config check, and serves with its settings', async () => {
    const port = await freePort();
    const file = join(dataDir, 'parley-relay.toml');
    await writeFile(
      file,
      `port = ${port}\nhost = "127.0.0.1"\ndataDir = "state"\n\n[access]\npolicy = "invite"\n`,
    );
    const check = await run(['config', 'check', file]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('ok');

    const relay = start(['serve', '--config', file]);
    const serving = await waitUntilServing(`http://127.0.0.1:${port}/v1/relay`, relay);
    expect(serving, relay.output.stderr).toBe(true);
    const info = (await (await fetch(`http://127.0.0.1:${port}/v1/relay`)).json()) as { policy: string };
    expect(info.policy).toBe('invite');
    relay.child.kill('SIGTERM');
    expect((await relay.exited).code).toBe(0);
    // A relative path in the file is relative to the file, not to where the relay was started.
    expect(existsSync(join(dataDir, 'state', SQLITE_FILE))).toBe(true);
  });

  it('names an unknown key and exits with status 2, from config check and from serve', async () => {
    const file = join(dataDir, 'parley-relay.toml');
    await writeFile(file, '[rateLimits.perIdentity]\npoints = 10\nwindowSecs = 1\n');
    const check = await run(['config', 'check', file]);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('unknown setting rateLimits.perIdentity.windowSecs');
    const serve = await run(['serve', '--config', file]);
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain('unknown setting rateLimits.perIdentity.windowSecs');
  });

  it('checks the example configuration shipped in deploy/', async () => {
    const example = fileURLToPath(new URL('../../deploy/parley-relay.toml', import.meta.url));
    const check = await run(['config', 'check', example]);
    expect(check.code, check.stderr).toBe(0);
  });
});
