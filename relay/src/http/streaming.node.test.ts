import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpHandler } from './index.node.js';
import { identity, startTestRelay, type TestRelay } from './test-harness.node.js';

const MB = 1024 * 1024;
let t: TestRelay;
beforeEach(async () => {
  t = await startTestRelay({ attachments: { maxBytes: 256 * MB, quotaBytes: 512 * MB, ttlSeconds: 3600 } });
});
afterEach(() => t.stop());

const alice = identity();
const bob = identity();

/** A deterministic pseudo-random 1 MiB block, repeated: the client side holds one block, never the file. */
const block = Buffer.alloc(MB);
for (let i = 0; i < block.length; i += 1) block[i] = (i * 2654435761) >>> 24;

function fileHash(blocks: number): string {
  const hash = createHash('sha256');
  for (let i = 0; i < blocks; i += 1) hash.update(block);
  return hash.digest('hex');
}

async function createAttachment(hash: string, size: number) {
  const response = await fetch(`${t.relay.url}/v1/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.token(alice)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ hash, size, recipients: [bob] }),
  });
  expect(response.ok).toBe(true);
}

/** Streams `blocks` copies of `block` as one PATCH body, honouring backpressure. */
function streamUpload(url: string, hash: string, blocks: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/attachments/${hash}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${t.token(alice)}`,
        'upload-offset': '0',
        'content-length': blocks * MB,
      },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < blocks) {
        sent += 1;
        if (!req.write(block)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('attachment streaming', () => {
  it('uploads and downloads a 96 MiB file without holding it in memory', async () => {
    const blocks = 96;
    const hash = fileHash(blocks);
    await createAttachment(hash, blocks * MB);
    const before = process.memoryUsage().rss;

    expect(await streamUpload(t.relay.url, hash, blocks)).toBe(200);
    const download = await fetch(`${t.relay.url}/v1/attachments/${hash}`, {
      headers: { authorization: `Bearer ${t.token(bob)}` },
    });
    const digest = createHash('sha256');
    let received = 0;
    for await (const chunk of download.body as unknown as AsyncIterable<Uint8Array>) {
      digest.update(chunk);
      received += chunk.length;
    }
    const growth = process.memoryUsage().rss - before;

    expect(received).toBe(blocks * MB);
    expect(digest.digest('hex')).toBe(hash);
    // Loose on purpose: buffering the upload or the download whole would add at least the file's size.
    expect(growth).toBeLessThan(blocks * MB);
  });
});

describe('closing the HTTP handler', () => {
  it('keeps what an interrupted upload wrote, then refuses new uploads and reports not ready (still alive)', async () => {
    // A handler of its own on a second server, so closing it leaves the relay (and its store) running.
    const handler = createHttpHandler(t.relay.context);
    const server = createServer((req, res) => handler.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const blocks = 4;
      const hash = fileHash(blocks);
      await createAttachment(hash, blocks * MB);
      const req = request(`${url}/v1/attachments/${hash}`, {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${t.token(alice)}`,
          'upload-offset': '0',
          'content-length': blocks * MB,
        },
      });
      req.on('error', () => undefined);
      req.on('response', (res: IncomingMessage) => res.resume());
      req.write(block);
      const part = join(t.dataDir, 'attachments', `${hash}.part`);
      while (((await stat(part).catch(() => null))?.size ?? 0) < MB) await sleep(5);

      await handler.close();
      expect((await t.relay.context.store.attachments.get(hash))?.offset).toBe(MB);

      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ error: { code: 'UNAVAILABLE', message: 'shutting down' } });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const refused = await fetch(`${url}/v1/attachments/${hash}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${t.token(alice)}`, 'upload-offset': String(MB) },
        body: block,
      });
      expect(refused.status).toBe(503);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
