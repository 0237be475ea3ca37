import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../config.js';
import { identity, sha256, startTestRelay, type TestRelay } from './test-harness.node.js';

let t: TestRelay;
const alice = identity();
const bob = identity();
const carol = identity();

beforeEach(async () => {
  t = await startTestRelay({
    attachments: { maxBytes: 8 * 1024 * 1024, quotaBytes: 12 * 1024 * 1024, ttlSeconds: 3600 },
  });
});
afterEach(() => t.stop());

function call(
  method: string,
  path: string,
  options: { as?: string; json?: unknown; body?: Uint8Array; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) headers.authorization = `Bearer ${t.token(options.as)}`;
  let body: string | Uint8Array | undefined = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  return fetch(`${t.relay.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
}

async function create(bytes: Uint8Array, recipients = [bob], as = alice) {
  const response = await call('POST', '/v1/attachments', {
    as,
    json: { hash: sha256(bytes), size: bytes.length, recipients },
  });
  return { response, body: (await response.json()) as Record<string, unknown> };
}

const patch = (hash: string, offset: number, body: Uint8Array, as = alice) =>
  call('PATCH', `/v1/attachments/${hash}`, {
    as,
    body,
    headers: { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
  });

async function uploadWhole(bytes: Uint8Array, recipients = [bob]) {
  await create(bytes, recipients);
  const response = await patch(sha256(bytes), 0, bytes);
  expect(response.status).toBe(200);
  return sha256(bytes);
}

describe('attachment upload', () => {
  it('accepts a file in several PATCHes and serves back the same bytes', async () => {
    const bytes = randomBytes(300_000);
    const hash = sha256(bytes);
    const created = await create(bytes);
    expect(created.response.status).toBe(201);
    expect(created.body).toMatchObject({ hash, size: bytes.length, offset: 0, complete: false });

    const first = await patch(hash, 0, bytes.subarray(0, 100_000));
    expect(first.headers.get('upload-offset')).toBe('100000');
    expect(await first.json()).toMatchObject({ offset: 100_000, complete: false });
    await patch(hash, 100_000, bytes.subarray(100_000, 200_000));
    const last = await patch(hash, 200_000, bytes.subarray(200_000));
    expect(await last.json()).toMatchObject({ offset: bytes.length, complete: true });

    const download = await call('GET', `/v1/attachments/${hash}`, { as: bob });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    expect(existsSync(join(t.dataDir, 'attachments', hash))).toBe(true);
    expect(existsSync(join(t.dataDir, 'attachments', `${hash}.part`))).toBe(false);
  });

  it('answers a second create of the same bytes with the current offset', async () => {
    const bytes = randomBytes(1000);
    await create(bytes);
    await patch(sha256(bytes), 0, bytes.subarray(0, 400));
    const again = await create(bytes, [carol]);
    expect(again.response.status).toBe(200);
    expect(again.body).toMatchObject({ offset: 400, complete: false });
  });

  it('resumes an interrupted upload from the offset the relay reports', async () => {
    const bytes = randomBytes(2 * 1024 * 1024);
    const hash = sha256(bytes);
    await create(bytes);
    const sent = 1024 * 1024;
    const partFile = join(t.dataDir, 'attachments', `${hash}.part`);

    // Send half of the body, then drop the connection as a failing network would.
    const interrupted = request(`${t.relay.url}/v1/attachments/${hash}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${t.token(alice)}`,
        'upload-offset': '0',
        'content-length': String(bytes.length),
      },
    });
    interrupted.on('error', () => undefined);
    interrupted.write(bytes.subarray(0, sent));
    while (((await stat(partFile).catch(() => null))?.size ?? 0) < sent) await sleep(5);
    interrupted.destroy();

    let offset = 0;
    while (offset < sent) {
      const head = await call('HEAD', `/v1/attachments/${hash}/status`, { as: alice });
      offset = Number(head.headers.get('upload-offset'));
      if (offset < sent) await sleep(5);
    }
    expect(offset).toBe(sent);

    const resumed = await patch(hash, offset, bytes.subarray(offset));
    expect(await resumed.json()).toMatchObject({ offset: bytes.length, complete: true });
    const download = await call('GET', `/v1/attachments/${hash}`, { as: bob });
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(hash);
  });

  it('refuses a PATCH at the wrong offset with 409 and the offset to use', async () => {
    const bytes = randomBytes(1000);
    await create(bytes);
    await patch(sha256(bytes), 0, bytes.subarray(0, 500));
    const response = await patch(sha256(bytes), 100, bytes.subarray(100));
    expect(response.status).toBe(409);
    expect(response.headers.get('upload-offset')).toBe('500');
    expect(await response.json()).toMatchObject({ error: { code: 'CONFLICT' }, offset: 500 });
  });

  it('lets only one of two simultaneous PATCHes at the same offset through', async () => {
    const bytes = randomBytes(100_000);
    const hash = sha256(bytes);
    await create(bytes);
    const [a, b] = await Promise.all([
      patch(hash, 0, bytes.subarray(0, 50_000)),
      patch(hash, 0, bytes.subarray(0, 50_000)),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(await loser.json()).toMatchObject({ offset: 50_000 });
  });

  it('discards bytes that do not hash to the attachment name', async () => {
    const bytes = randomBytes(1000);
    const hash = sha256(bytes);
    await create(bytes);
    const response = await patch(hash, 0, randomBytes(1000));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect(existsSync(join(t.dataDir, 'attachments', `${hash}.part`))).toBe(false);
    expect((await call('GET', `/v1/attachments/${hash}/status`, { as: alice })).status).toBe(404);
  });

  it('refuses attachments over the size limit and bodies past the declared size with 413', async () => {
    const tooBig = await call('POST', '/v1/attachments', {
      as: alice,
      json: { hash: sha256(new Uint8Array(1)), size: 8 * 1024 * 1024 + 1, recipients: [bob] },
    });
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });

    const bytes = randomBytes(1000);
    await create(bytes);
    const overlong = await patch(sha256(bytes), 0, randomBytes(1001));
    expect(overlong.status).toBe(413);
  });

  it('answers a streamed body that runs past the declared size with 413, keeping the bytes that fit', async () => {
    const bytes = randomBytes(1000);
    const hash = sha256(bytes);
    await create(bytes);
    // No Content-Length: the relay only learns the body is too long while streaming it.
    const status = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = request(`${t.relay.url}/v1/attachments/${hash}`, {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${t.token(alice)}`,
          'upload-offset': '0',
          'transfer-encoding': 'chunked',
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (text: string) => (body += text));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end(Buffer.concat([bytes, randomBytes(500)]));
    });
    expect(status.code).toBe(413);
    expect(JSON.parse(status.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' }, offset: 1000 });
    const finish = await patch(hash, 1000, new Uint8Array(0));
    expect(await finish.json()).toMatchObject({ complete: true });
  });

  it('refuses a new attachment once the uploader holds its quota of undelivered bytes', async () => {
    await uploadWhole(randomBytes(7 * 1024 * 1024));
    const bytes = randomBytes(6 * 1024 * 1024);
    const over = await create(bytes);
    expect(over.response.status).toBe(507);
    expect(over.body).toMatchObject({ error: { code: 'QUOTA_EXCEEDED' } });
    // Another identity has its own quota.
    expect((await create(bytes, [bob], carol)).response.status).toBe(201);
  });

  it('requires a valid bearer token', async () => {
    const bytes = randomBytes(10);
    const anonymous = await call('POST', '/v1/attachments', {
      json: { hash: sha256(bytes), size: 10, recipients: [bob] },
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'AUTH_REQUIRED' } });
    const forged = await call('GET', `/v1/attachments/${sha256(bytes)}/status`, {
      headers: { authorization: 'Bearer v1.x.1.y' },
    });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { code: 'AUTH_FAILED' } });
  });

  it('answers a client over its request budget with 429 and Retry-After', async () => {
    await t.stop();
    t = await startTestRelay({
      rateLimits: { ...defaultConfig().rateLimits, perIdentity: { points: 2, windowSeconds: 60 } },
    });
    const status = () => call('GET', `/v1/attachments/${sha256(new Uint8Array(1))}/status`, { as: alice });
    expect((await status()).status).toBe(404);
    expect((await status()).status).toBe(404);
    const limited = await status();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await limited.json()).toMatchObject({
      error: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) },
    });
    expect(
      (await call('GET', `/v1/attachments/${sha256(new Uint8Array(1))}/status`, { as: bob })).status,
    ).toBe(404);
  });

  it('validates the create request', async () => {
    const response = await call('POST', '/v1/attachments', {
      as: alice,
      json: { hash: 'nope', size: 1, recipients: [bob] },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });
});

describe('attachment download', () => {
  it('is refused to anyone but the uploader and the recipients', async () => {
    const hash = await uploadWhole(randomBytes(1000));
    const stranger = await call('GET', `/v1/attachments/${hash}`, { as: carol });
    expect(stranger.status).toBe(403);
    expect(await stranger.json()).toMatchObject({ error: { code: 'ACCESS_DENIED' } });
    expect((await call('GET', `/v1/attachments/${hash}`, { as: alice })).status).toBe(200);
  });

  it('cannot be claimed by someone who only knows its hash', async () => {
    const hash = await uploadWhole(randomBytes(1000));
    const bytes = { hash, size: 1000, recipients: [carol] };
    const claim = await call('POST', '/v1/attachments', { as: carol, json: bytes });
    expect(claim.status).toBe(403);
    expect(await claim.json()).toMatchObject({ error: { code: 'ACCESS_DENIED' } });
    expect((await call('GET', `/v1/attachments/${hash}`, { as: carol })).status).toBe(403);
    // The uploader may still add a recipient (a retried or extended share).
    const again = await call('POST', '/v1/attachments', { as: alice, json: bytes });
    expect(again.status).toBe(200);
    expect((await call('GET', `/v1/attachments/${hash}`, { as: carol })).status).toBe(200);
  });

  it('is refused until the upload is complete', async () => {
    const bytes = randomBytes(1000);
    await create(bytes);
    await patch(sha256(bytes), 0, bytes.subarray(0, 10));
    const response = await call('GET', `/v1/attachments/${sha256(bytes)}`, { as: bob });
    expect(response.status).toBe(409);
  });

  it('serves byte ranges so a download can resume', async () => {
    const bytes = randomBytes(10_000);
    const hash = await uploadWhole(bytes);
    const partial = await call('GET', `/v1/attachments/${hash}`, {
      as: bob,
      headers: { range: 'bytes=4000-' },
    });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 4000-9999/10000`);
    expect(Buffer.from(await partial.arrayBuffer()).equals(bytes.subarray(4000))).toBe(true);
    const middle = await call('GET', `/v1/attachments/${hash}`, {
      as: bob,
      headers: { range: 'bytes=10-19' },
    });
    expect(Buffer.from(await middle.arrayBuffer()).equals(bytes.subarray(10, 20))).toBe(true);
    const beyond = await call('GET', `/v1/attachments/${hash}`, {
      as: bob,
      headers: { range: 'bytes=20000-' },
    });
    expect(beyond.status).toBe(416);
  });

  it('deletes the bytes once every recipient has acknowledged them', async () => {
    const hash = await uploadWhole(randomBytes(1000), [bob, carol]);
    const file = join(t.dataDir, 'attachments', hash);
    const first = await call('POST', `/v1/attachments/${hash}/ack`, { as: bob });
    expect(await first.json()).toEqual({ deleted: false });
    expect(existsSync(file)).toBe(true);
    // An acknowledged recipient is done with it.
    expect((await call('GET', `/v1/attachments/${hash}`, { as: bob })).status).toBe(403);
    const second = await call('POST', `/v1/attachments/${hash}/ack`, { as: carol });
    expect(await second.json()).toEqual({ deleted: true });
    expect(existsSync(file)).toBe(false);
    expect((await call('GET', `/v1/attachments/${hash}`, { as: alice })).status).toBe(404);
  });

  it('lets the uploader delete an attachment', async () => {
    const hash = await uploadWhole(randomBytes(1000));
    expect((await call('DELETE', `/v1/attachments/${hash}`, { as: bob })).status).toBe(403);
    expect((await call('DELETE', `/v1/attachments/${hash}`, { as: alice })).status).toBe(204);
    expect(existsSync(join(t.dataDir, 'attachments', hash))).toBe(false);
  });
});
