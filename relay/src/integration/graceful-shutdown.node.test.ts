import { createHash } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCli, waitUntilServing, type CliProcess } from '../testing/cli.node.js';
import { freePort } from '../testing/ports.node.js';
import { connectClient, makeIdentity, type TestIdentity } from '../testing/client.node.js';

/**
 * `systemctl stop` (SIGTERM) while a client is in the middle of an upload: the relay process exits 0, keeps
 * the bytes that reached its disk with their offset, and after a restart the client resumes where it was cut off.
 */
const MB = 1024 * 1024;
const BLOCKS = 8;
const block = Buffer.alloc(MB);
for (let i = 0; i < block.length; i += 1) block[i] = (i * 2654435761) >>> 24;
const whole = Buffer.concat(Array.from({ length: BLOCKS }, () => block));
const hash = createHash('sha256').update(whole).digest('hex');

let dataDir: string;
let relay: CliProcess | undefined;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-drain-'));
});
afterEach(async () => {
  if (relay && relay.child.exitCode === null) {
    relay.child.kill('SIGKILL');
    await relay.exited;
  }
  await rm(dataDir, { recursive: true, force: true });
});

async function serve(): Promise<string> {
  const port = await freePort();
  relay = startCli(['serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir], {
    env: { PARLEY_LOG_LEVEL: 'warn' },
  });
  const url = `http://127.0.0.1:${port}`;
  expect(await waitUntilServing(`${url}/readyz`, relay), relay.output.stderr).toBe(true);
  return url;
}

async function tokenFor(url: string, identity: TestIdentity): Promise<string> {
  const client = await connectClient(url, { identity });
  client.close();
  const token = client.auth?.token;
  if (!token) throw new Error('no token in the auth ack');
  return token;
}

describe('graceful shutdown', () => {
  it('keeps what a client mid-upload sent when the relay is stopped, and the upload resumes after restart', async () => {
    const alice = makeIdentity();
    let url = await serve();
    let token = await tokenFor(url, alice);
    const created = await fetch(`${url}/v1/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ hash, size: whole.length, recipients: [makeIdentity().id] }),
    });
    expect(created.status).toBe(201);

    // One PATCH for the whole file, of which only the first 2 MiB are sent before the relay is stopped.
    const upload: ClientRequest = request(`${url}/v1/attachments/${hash}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'upload-offset': '0', 'content-length': whole.length },
    });
    const ended = new Promise<string>((resolve) => {
      upload.on('response', (res) => {
        res.resume();
        resolve(`status ${res.statusCode}`);
      });
      upload.on('error', (error) => resolve(`error ${error.message}`));
    });
    upload.write(whole.subarray(0, 2 * MB));
    const part = join(dataDir, 'attachments', `${hash}.part`);
    while (((await stat(part).catch(() => null))?.size ?? 0) < 2 * MB) await sleep(10);

    const running = relay as CliProcess;
    running.child.kill('SIGTERM');
    const exit = await running.exited;
    expect(exit.code, exit.stderr).toBe(0);
    expect(await ended).toMatch(/^(status 503|error )/);

    url = await serve();
    token = await tokenFor(url, alice);
    const status = await fetch(`${url}/v1/attachments/${hash}/status`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { offset } = (await status.json()) as { offset: number };
    expect(offset).toBe(2 * MB);

    const resumed = await fetch(`${url}/v1/attachments/${hash}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'upload-offset': String(offset) },
      body: whole.subarray(offset),
    });
    expect(resumed.status).toBe(200);
    expect(await resumed.json()).toMatchObject({ complete: true, offset: whole.length });
    const download = await fetch(`${url}/v1/attachments/${hash}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(hash);
  });
});
