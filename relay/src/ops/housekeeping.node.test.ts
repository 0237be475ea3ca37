import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAttachmentFiles } from '../http/attachment-files.node.js';
import { identity, sha256, startTestRelay, type TestRelay } from '../http/test-harness.node.js';
import { runHousekeeping } from './housekeeping.node.js';

let t: TestRelay;
beforeEach(async () => {
  t = await startTestRelay({
    attachments: { maxBytes: 1024 * 1024, quotaBytes: 4 * 1024 * 1024, ttlSeconds: 3600 },
  });
});
afterEach(() => t.stop());

const alice = identity();
const bob = identity();

async function upload(bytes: Uint8Array, ttlSeconds?: number) {
  const hash = sha256(bytes);
  const auth = { authorization: `Bearer ${t.token(alice)}` };
  await fetch(`${t.relay.url}/v1/attachments`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      hash,
      size: bytes.length,
      recipients: [bob],
      ...(ttlSeconds ? { ttlSeconds } : {}),
    }),
  });
  await fetch(`${t.relay.url}/v1/attachments/${hash}`, {
    method: 'PATCH',
    headers: { ...auth, 'upload-offset': '0' },
    body: bytes,
  });
  return hash;
}

describe('housekeeping', () => {
  it('deletes expired attachments and their bytes, and keeps the rest', async () => {
    const shortLived = await upload(randomBytes(1000), 60);
    const longLived = await upload(randomBytes(1000));
    const files = createAttachmentFiles(t.dataDir);

    t.clock.now += 61_000;
    await runHousekeeping(t.relay.context, files);

    expect(existsSync(join(t.dataDir, 'attachments', shortLived))).toBe(false);
    expect(await t.relay.context.store.attachments.get(shortLived)).toBeNull();
    expect(existsSync(join(t.dataDir, 'attachments', longLived))).toBe(true);
    expect(await t.relay.context.store.attachments.get(longLived)).not.toBeNull();
  });

  it('expires offline blobs at the injected time', async () => {
    const store = t.relay.context.store;
    const now = t.clock.now;
    const quota = t.relay.context.config.blobQuota;
    await store.blobs.deposit(
      {
        sender: alice,
        recipients: [bob],
        payload: new Uint8Array(10),
        depositedAt: now,
        expiresAt: now + 1000,
      },
      quota,
    );
    expect((await store.blobs.stats()).blobs).toBe(1);
    t.clock.now += 2000;
    await runHousekeeping(t.relay.context, createAttachmentFiles(t.dataDir));
    expect((await store.blobs.stats()).blobs).toBe(0);
    expect(await t.relay.context.metrics.blobsStored.get()).toMatchObject({ values: [{ value: 0 }] });
  });

  it('removes files that no record owns, such as a part left by a crash', async () => {
    const orphan = join(t.dataDir, 'attachments', `${sha256(randomBytes(8))}.part`);
    await writeFile(orphan, 'stale');
    const kept = await upload(randomBytes(100));
    await runHousekeeping(t.relay.context, createAttachmentFiles(t.dataDir));
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(join(t.dataDir, 'attachments', kept))).toBe(true);
  });

  it('logs a failing store instead of throwing', async () => {
    const files = createAttachmentFiles(t.dataDir);
    await t.relay.context.store.close();
    await expect(runHousekeeping(t.relay.context, files)).resolves.toBeUndefined();
  });
});
