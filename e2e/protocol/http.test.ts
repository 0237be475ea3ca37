/** Every HTTP route of docs/protocol.md, with fetch: statuses, headers and bodies as documented. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Client } from './support/client.js';
import { newIdentity } from './support/keys.js';
import { startRelayProcess, type RelayProcess } from './support/relay.js';

let relay: RelayProcess;
let alice: Client;
let bob: Client;
let carol: Client;
beforeAll(async () => {
  relay = await startRelayProcess();
  [alice, bob, carol] = await Promise.all([connect(relay.url), connect(relay.url), connect(relay.url)]);
});
afterAll(async () => {
  for (const c of [alice, bob, carol]) c.close();
  await relay.stop();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
function call(
  method: string,
  path: string,
  as?: Client,
  init: { body?: string | Uint8Array; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  if (as) headers['authorization'] = `Bearer ${String(as.auth?.['token'])}`;
  if (typeof init.body === 'string') headers['content-type'] = 'application/json';
  return fetch(`${relay.url}${path}`, {
    method,
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
  });
}
const create = (bytes: Uint8Array, recipients: string[], as = alice) =>
  call('POST', '/v1/attachments', as, {
    body: JSON.stringify({ hash: sha256(bytes), size: bytes.length, recipients }),
  });
const patch = (hash: string, offset: number, body: Uint8Array, as = alice) =>
  call('PATCH', `/v1/attachments/${hash}`, as, { body, headers: { 'upload-offset': String(offset) } });

describe('without authentication', () => {
  it('GET /healthz', async () => {
    const response = await call('GET', '/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('GET /metrics in Prometheus text format', async () => {
    const text = await (await call('GET', '/metrics')).text();
    for (const name of [
      'parley_connected_clients',
      'parley_authenticated_clients',
      'parley_events_total',
      'parley_blobs_stored',
      'parley_blob_bytes',
      'parley_attachments_stored',
      'parley_attachment_bytes',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('GET /v1/relay gives the relay key, policy, limits, quotas and rates', async () => {
    const body = (await (await call('GET', '/v1/relay')).json()) as {
      relayKey: string;
      policy: string;
      limits: Record<string, unknown>;
      rates: unknown;
    };
    expect(body.relayKey).toBe(alice.challenge().relayKey);
    expect(body.policy).toBe('open');
    expect(body.limits).toMatchObject({
      maxPacketBytes: 1024 * 1024,
      maxBlobBytes: 256 * 1024,
      maxRecipients: 1024,
      maxSignalBytes: 64 * 1024,
      maxOneTimePreKeys: 200,
      maxPresenceIdentities: 5000,
      maxAckIds: 1000,
      maxTokenLength: 256,
      blobTtlSeconds: 30 * 86400,
      attachmentMaxBytes: 4 * 1024 ** 3,
      attachmentQuotaBytes: 10 * 1024 ** 3,
      attachmentTtlSeconds: 30 * 86400,
      blobQuotaCopies: 100_000,
      blobQuotaBytes: 1024 ** 3,
      storageMaxBytes: 100 * 1024 ** 3,
      deliveryRecordTtlSeconds: 7 * 86400,
      tokenTtlSeconds: 86400,
      otpMaxAttempts: 5,
    });
    expect(Object.values(body.limits).every((value) => typeof value === 'number')).toBe(true);
    expect(body.rates).toMatchObject({ authFailuresPerAddress: { points: 20, windowSeconds: 60 } });
  });
});

describe('attachments', () => {
  it('create, upload in pieces with resume, status, download with ranges, acknowledge', async () => {
    const bytes = new Uint8Array(10_000).map((_, i) => i % 251);
    const hash = sha256(bytes);
    const created = await create(bytes, [bob.identity.id]);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ hash, size: 10_000, offset: 0, complete: false });
    expect((await patch(hash, 0, bytes.subarray(0, 4000))).status).toBe(200);
    const wrongOffset = await patch(hash, 0, bytes.subarray(0, 10));
    expect(wrongOffset.status).toBe(409);
    expect(wrongOffset.headers.get('upload-offset')).toBe('4000');
    expect(await wrongOffset.json()).toMatchObject({ error: { code: 'CONFLICT' }, offset: 4000 });
    const head = await call('HEAD', `/v1/attachments/${hash}/status`, alice);
    expect(head.headers.get('upload-offset')).toBe('4000');
    expect(head.headers.get('upload-length')).toBe('10000');
    const early = await call('GET', `/v1/attachments/${hash}`, bob);
    expect(early.status).toBe(409);
    const done = await patch(hash, 4000, bytes.subarray(4000));
    expect(await done.json()).toMatchObject({ offset: 10_000, complete: true });
    const status = await call('GET', `/v1/attachments/${hash}/status`, bob);
    expect(await status.json()).toMatchObject({ hash, complete: true, expiresAt: expect.any(Number) });

    const whole = await call('GET', `/v1/attachments/${hash}`, bob);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('etag')).toBe(`"${hash}"`);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(bytes);
    const headDownload = await call('HEAD', `/v1/attachments/${hash}`, bob);
    expect(headDownload.headers.get('content-length')).toBe('10000');
    const range = await call('GET', `/v1/attachments/${hash}`, bob, { headers: { range: 'bytes=9000-' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe('bytes 9000-9999/10000');
    expect(new Uint8Array(await range.arrayBuffer())).toEqual(bytes.subarray(9000));
    const past = await call('GET', `/v1/attachments/${hash}`, bob, { headers: { range: 'bytes=20000-' } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe('bytes */10000');

    const ack = await call('POST', `/v1/attachments/${hash}/ack`, bob);
    expect(await ack.json()).toEqual({ deleted: true });
    expect((await call('GET', `/v1/attachments/${hash}`, bob)).status).toBe(404);
  });

  it('refuses strangers, hash squatters, oversize and wrong bytes with the documented statuses', async () => {
    const bytes = new Uint8Array(500).fill(3);
    const hash = sha256(bytes);
    expect((await create(bytes, [bob.identity.id])).status).toBe(201);
    const stranger = await call('GET', `/v1/attachments/${hash}/status`, carol);
    expect(stranger.status).toBe(403);
    expect(await stranger.json()).toMatchObject({ error: { code: 'ACCESS_DENIED' } });
    const squat = await create(bytes, [carol.identity.id], carol);
    expect(squat.status).toBe(403);
    expect((await create(bytes, [newIdentity().id])).status).toBe(200); // the uploader again
    expect((await patch(hash, 0, bytes, bob)).status).toBe(403);
    expect((await call('POST', '/v1/attachments', alice, { body: '{"hash":"nope"}' })).status).toBe(400);
    const huge = await call('POST', '/v1/attachments', alice, {
      body: JSON.stringify({
        hash: sha256(new Uint8Array([9])),
        size: 5 * 1024 ** 3,
        recipients: [bob.identity.id],
      }),
    });
    expect(huge.status).toBe(413);
    expect((await patch(hash, 0, new Uint8Array(501))).status).toBe(413);
    const mismatch = await patch(hash, 0, new Uint8Array(500).fill(4));
    expect(mismatch.status).toBe(400);
    expect((await call('GET', `/v1/attachments/${hash}/status`)).status).toBe(401);
    expect((await call('PUT', `/v1/attachments/${hash}`, alice)).status).toBe(405);
  });

  it('DELETE by the uploader only', async () => {
    const bytes = new Uint8Array(100).fill(8);
    const hash = sha256(bytes);
    await create(bytes, [bob.identity.id]);
    expect((await call('DELETE', `/v1/attachments/${hash}`, bob)).status).toBe(403);
    expect((await call('DELETE', `/v1/attachments/${hash}`, alice)).status).toBe(204);
    expect((await call('GET', `/v1/attachments/${hash}/status`, alice)).status).toBe(404);
  });
});
