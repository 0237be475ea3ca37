import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bytesSource, isParleyError, type FetchLike } from '@parley/core';
import { openFileSource, reopenFileSource } from '@parley/core/files/node';
import { next, pattern, scenario, startAll, until } from './support/harness.js';

const s = scenario();
let dir = '';
beforeEach(async () => {
  await s.setup();
  dir = await mkdtemp(join(tmpdir(), 'parley-upload-restart-'));
});
afterEach(async () => {
  await s.teardown();
  await rm(dir, { recursive: true, force: true });
});

/**
 * The relay's attachment API, except that while `stalled` an upload's bytes never get an answer: the app is
 * closed in the middle of its upload, as a person quitting during a long one would.
 */
function stallingFetch(): { fetch: FetchLike; stalled: { value: boolean }; patches: () => number } {
  const stalled = { value: true };
  let patches = 0;
  const fetch: FetchLike = async (url, init) => {
    if ((init?.method ?? 'GET') === 'PATCH' && url.includes('/v1/attachments')) {
      patches += 1;
      if (stalled.value) return new Promise(() => undefined);
    }
    return globalThis.fetch(url, init as RequestInit) as unknown as ReturnType<FetchLike>;
  };
  return { fetch, stalled, patches: () => patches };
}

/** A relay upload the app closed on does not leave its message pending for ever. */
describe('relay uploads across an app restart', () => {
  it('starts an upload of a file on disk again after the app restarts, and the message goes', async () => {
    const cut = stallingFetch();
    const alice = s.device('alice', { direct: false, fetch: cut.fetch, reopenFileSource });
    const bob = s.device('bob', { direct: false });
    await startAll(alice, bob);
    const bobAccount = bob.c.account;
    await bob.stop();
    const bytes = pattern(2 * 1024 * 1024);
    await writeFile(join(dir, 'report.pdf'), bytes);
    const { messageId } = await alice.c.files.start(alice.c.conversations.direct(bobAccount), {
      source: await openFileSource(join(dir, 'report.pdf'), { mimeType: 'application/pdf' }),
    });
    await until(() => cut.patches() > 0, 'the upload under way');
    expect((await alice.c.db.messages.get(messageId))?.state).toBe('pending');
    await alice.stop();

    cut.stalled.value = false;
    const again = await alice.start();
    await next(again, 'file-sent', (event) => event.messageId === messageId);
    await until(async () => (await again.db.messages.get(messageId))?.state === 'sent', 'the message sent');
    const bobClient = await bob.start();
    const arrived = await next(bobClient, 'file', (event) => event.messageId === messageId);
    // Compared as buffers: a deep equality of a million array elements takes half a minute.
    expect(Buffer.compare(arrived.bytes ?? new Uint8Array(), bytes)).toBe(0);
  });

  it('fails an in-memory upload the app closed on, saying why, and retry with the file sends it', async () => {
    const cut = stallingFetch();
    const alice = s.device('alice', { direct: false, fetch: cut.fetch });
    const bob = s.device('bob', { direct: false });
    await startAll(alice, bob);
    const bobAccount = bob.c.account;
    await bob.stop();
    const bytes = pattern(1024 * 1024);
    const { messageId } = await alice.c.files.start(alice.c.conversations.direct(bobAccount), {
      name: 'memo.bin',
      mimeType: 'application/octet-stream',
      bytes,
    });
    await until(() => cut.patches() > 0, 'the upload under way');
    await alice.stop();

    cut.stalled.value = false;
    const again = await alice.start();
    const failed = await next(again, 'file-failed', (event) => event.messageId === messageId);
    expect(failed.reason).toMatch(/^the upload stopped when the app closed: .*in memory/);
    expect((await again.db.messages.get(messageId))?.state).toBe('failed');
    const info = await again.files.info(messageId);
    expect(info).toMatchObject({ state: 'failed', reason: failed.reason });

    // Not another file in its place, and nothing to retry for a message that did not fail.
    const wrong = await again.files
      .retry(messageId, bytesSource(pattern(10), 'memo.bin', 'application/octet-stream'))
      .catch((e) => e);
    expect(isParleyError(wrong, 'CONFLICT')).toBe(true);
    const none = await again.files.retry('no-such-message').catch((e) => e);
    expect(isParleyError(none, 'NOT_FOUND')).toBe(true);

    const pending = next(again, 'message-state', (event) => event.messageId === messageId);
    const { uploaded } = await again.files.retry(
      messageId,
      bytesSource(bytes, 'memo.bin', 'application/octet-stream'),
    );
    expect((await pending).state).toBe('pending');
    await uploaded;
    await until(async () => (await again.db.messages.get(messageId))?.state === 'sent', 'the message sent');
    expect((await again.files.info(messageId))?.state).toBe('complete');
    const bobClient = await bob.start();
    const arrived = await next(bobClient, 'file', (event) => event.messageId === messageId);
    expect(Buffer.compare(arrived.bytes ?? new Uint8Array(), bytes)).toBe(0);
  });
});
