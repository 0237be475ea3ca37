import { createHash, randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { request, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, startRelay, type Relay } from '@parley/relay';
import { startNginx, type NginxProxy } from '../browser/support/nginx.js';

/*
 * Attachment uploads through deploy/nginx/parley-relay.conf: the body streams to the relay as it arrives
 * (nginx neither spools it to its own disk first nor caps its size), so an upload cut off midway keeps what
 * reached the relay and resumes from there, as it does without a proxy.
 */
let dataDir: string;
let relay: Relay;
let proxy: NginxProxy;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-nginx-upload-'));
  relay = await startRelay(defaultConfig({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' }));
  proxy = await startNginx(relay.port);
}, 60_000);
afterAll(async () => {
  await proxy.stop();
  await relay.close();
  await rm(dataDir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const options: RequestOptions = { method, headers, ca: proxy.cert };
    const req = request(new URL(path, proxy.url), options, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

async function waitForFileSize(path: string, atLeast: number): Promise<void> {
  for (;;) {
    const size = await stat(path).then(
      (info) => info.size,
      () => 0,
    );
    if (size >= atLeast) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('attachment uploads through nginx', () => {
  it('stream to the relay while the body is still arriving, and resume after a cut', async () => {
    const uploader = randomBytes(32).toString('base64url');
    const recipient = randomBytes(32).toString('base64url');
    const { token } = relay.context.tokens.issue(uploader, Date.now());
    const auth = { Authorization: `Bearer ${token}` };
    // Over nginx's default 1 MiB body limit, which the configuration lifts.
    const bytes = randomBytes(6 * 1024 * 1024);
    const hash = createHash('sha256').update(bytes).digest('hex');

    const created = await send(
      'POST',
      '/v1/attachments',
      { ...auth, 'Content-Type': 'application/json' },
      Buffer.from(JSON.stringify({ hash, size: bytes.length, recipients: [recipient] })),
    );
    expect(created.status).toBe(201);

    // Send the first 2 MiB of the body, and see them reach the relay's disk before the request is complete.
    const half = 2 * 1024 * 1024;
    const cut = request(new URL(`/v1/attachments/${hash}`, proxy.url), {
      method: 'PATCH',
      ca: proxy.cert,
      headers: { ...auth, 'Upload-Offset': '0', 'Content-Length': String(bytes.length) },
    });
    cut.on('error', () => undefined);
    // A proxy that refuses the body (size cap) answers before the relay sees it: fail with its status.
    const answeredEarly = new Promise<never>((_, reject) =>
      cut.once('response', (res) =>
        reject(new Error(`the proxy answered ${res.statusCode} before the body reached the relay`)),
      ),
    );
    cut.write(bytes.subarray(0, half));
    await Promise.race([waitForFileSize(join(dataDir, 'attachments', `${hash}.part`), half), answeredEarly]);
    cut.destroy();

    let offset = 0;
    for (;;) {
      const status = await send('HEAD', `/v1/attachments/${hash}/status`, auth);
      offset = Number(status.headers['upload-offset']);
      if (offset > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(offset).toBe(half);

    const rest = await send(
      'PATCH',
      `/v1/attachments/${hash}`,
      { ...auth, 'Upload-Offset': String(offset) },
      bytes.subarray(offset),
    );
    expect(rest.status).toBe(200);
    expect(JSON.parse(rest.body)).toMatchObject({ hash, offset: bytes.length, complete: true });
  });
});
