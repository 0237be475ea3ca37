import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FetchLike } from '@parley/core';
import { next, pattern, scenario, startAll, until } from './support/harness.js';

// A file left on the relay whose download the receiving app closed on is downloaded again at its next start:
// the message announcing it was acknowledged, so nothing else would ever bring the file.

const s = scenario();
beforeEach(() => s.setup());
afterEach(() => s.teardown());

/** The relay's attachment API, except that while `stalled` a download never gets an answer. */
function stallingDownloads(): { fetch: FetchLike; stalled: { value: boolean }; downloads: () => number } {
  const stalled = { value: true };
  let downloads = 0;
  const fetch: FetchLike = async (url, init) => {
    if ((init?.method ?? 'GET') === 'GET' && url.includes('/v1/attachments/')) {
      downloads += 1;
      if (stalled.value) return new Promise(() => undefined);
    }
    return globalThis.fetch(url, init as RequestInit) as unknown as ReturnType<FetchLike>;
  };
  return { fetch, stalled, downloads: () => downloads };
}

describe('a relay download across a restart of the receiving app', () => {
  it('downloads the file again after the app closed during its download, and it arrives whole', async () => {
    const cut = stallingDownloads();
    const alice = s.device('alice', { direct: false });
    const bob = s.device('bob', { direct: false, fetch: cut.fetch });
    await startAll(alice, bob);
    const bobAccount = bob.c.account;
    await bob.stop();
    const bytes = pattern(1024 * 1024 + 77);
    const messageId = await alice.c.files.send(alice.c.conversations.direct(bobAccount), {
      name: 'memo.bin',
      mimeType: 'application/octet-stream',
      bytes,
    });

    // Bob comes online: the message is stored, its download starts and hangs; he closes the app.
    const first = await bob.start();
    await until(() => cut.downloads() > 0, 'the download under way');
    expect(await first.db.messages.get(messageId)).toBeDefined();
    expect(await first.files.info(messageId)).toMatchObject({ state: 'transferring' });
    await bob.stop();

    cut.stalled.value = false;
    const again = await bob.start();
    const failed = next(again, 'file-failed', (event) => event.messageId === messageId);
    const file = await Promise.race([
      next(again, 'file', (event) => event.messageId === messageId),
      failed.then(({ reason }) => {
        throw new Error(`the file failed: ${reason}`);
      }),
    ]);
    // Compared as buffers: a deep equality of a million array elements takes half a minute.
    expect(Buffer.compare(file.bytes ?? new Uint8Array(), bytes)).toBe(0);
    expect(await again.files.info(messageId)).toMatchObject({ state: 'complete' });
    await until(async () => (await again.db.engineState.keys('file-in:')).length === 0, 'its record gone');
  });
});
