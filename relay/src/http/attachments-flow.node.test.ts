import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../config.js';
import { startRelay, type Relay } from '../relay.node.js';
import { connectClient, type TestClient } from '../testing/client.node.js';
import { startRedisServer } from '../testing/redis-server.node.js';
import { sha256 } from './test-harness.node.js';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'parley-flow-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function client(relay: Relay): Promise<TestClient & { token: string }> {
  const connected = await connectClient(relay.url);
  cleanup.push(() => connected.close());
  if (!connected.auth) throw new Error('client did not authenticate');
  return Object.assign(connected, { token: connected.auth.token });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Creates, uploads in two PATCHes, downloads and acknowledges one attachment, as a client would. */
async function roundTrip(
  uploadVia: Relay,
  downloadVia: Relay,
  alice: { token: string },
  bob: TestClient & { token: string },
) {
  const bytes = randomBytes(200_000);
  const hash = sha256(bytes);
  const created = await fetch(`${uploadVia.url}/v1/attachments`, {
    method: 'POST',
    headers: { ...bearer(alice.token), 'content-type': 'application/json' },
    body: JSON.stringify({ hash, size: bytes.length, recipients: [bob.identity] }),
  });
  expect(created.status).toBe(201);
  for (const [start, end] of [
    [0, 120_000],
    [120_000, bytes.length],
  ] as const) {
    const patched = await fetch(`${uploadVia.url}/v1/attachments/${hash}`, {
      method: 'PATCH',
      headers: { ...bearer(alice.token), 'upload-offset': String(start) },
      body: bytes.subarray(start, end),
    });
    expect(patched.status).toBe(200);
  }
  const download = await fetch(`${downloadVia.url}/v1/attachments/${hash}`, { headers: bearer(bob.token) });
  expect(download.status).toBe(200);
  expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  const ack = await fetch(`${downloadVia.url}/v1/attachments/${hash}/ack`, {
    method: 'POST',
    headers: bearer(bob.token),
  });
  expect(await ack.json()).toEqual({ deleted: true });
  return hash;
}

describe('attachments with tokens from the socket handshake', () => {
  it('lets an authenticated client upload and its recipient download and acknowledge', async () => {
    const dataDir = await tempDir();
    const relay = await startRelay(
      defaultConfig({ port: 0, host: '127.0.0.1', logLevel: 'silent', dataDir }),
    );
    cleanup.push(() => relay.close());
    const alice = await client(relay);
    const bob = await client(relay);

    const hash = await roundTrip(relay, relay, alice, bob);
    expect(existsSync(join(dataDir, 'attachments', hash))).toBe(false);
  });

  it('works across two relay processes sharing one Redis and one data directory', async () => {
    const redis = await startRedisServer();
    cleanup.push(() => redis.stop());
    const dataDir = await tempDir();
    const config = defaultConfig({
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      dataDir,
      store: { kind: 'redis', url: redis.url },
      redisAdapterUrl: redis.url,
    });
    const first = await startRelay(config);
    cleanup.push(() => first.close());
    const second = await startRelay(config);
    cleanup.push(() => second.close());
    const alice = await client(first);
    const bob = await client(second);

    const hash = await roundTrip(first, second, alice, bob);
    expect(existsSync(join(dataDir, 'attachments', hash))).toBe(false);
  });
});
