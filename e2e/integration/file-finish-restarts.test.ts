import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { directorySinkFactory, openFileSource } from '@parley/core/files/node';
import { collect, next, pattern, scenario, startAll, type TestDevice } from './support/harness.js';

// A receiving app that stops around the moment a direct file ends: every byte is in its sink and the digest
// checked out, and the file's record is being set 'complete'. Whatever the stop, the file ends complete at
// both ends after a restart, offered once, its bytes intact.

const s = scenario();
let dir = '';
beforeEach(async () => {
  await s.setup();
  dir = await mkdtemp(join(tmpdir(), 'parley-file-finish-'));
});
afterEach(async () => {
  await s.teardown();
  await rm(dir, { recursive: true, force: true });
});

const SIZE = 3 * 1024 * 1024 + 555;

/**
 * The receiver's real engine state, whose write of a file record saying 'complete' is where the app
 * stops: that write never returns (the app goes no further), and is stored first only if `lands`.
 * Resolves the record's message id once that write was reached.
 */
function stopAtCompleteRecord(device: TestDevice, lands: boolean): Promise<string> {
  const state = device.c.db.engineState;
  const put = state.put.bind(state);
  return new Promise((reached) => {
    state.put = async (key, value) => {
      const complete =
        key.startsWith('file:') &&
        typeof value === 'object' &&
        value !== null &&
        (value as { state?: unknown }).state === 'complete';
      if (!complete) return put(key, value);
      if (lands) await put(key, value);
      reached(key.slice('file:'.length));
      return new Promise<never>(() => undefined);
    };
  });
}

/** Alice sends Bob a file from disk; Bob writes received files to `dir` (a sink that resumes). */
async function sendFromDisk(): Promise<{
  alice: TestDevice;
  bob: TestDevice;
  bytes: Uint8Array;
  send: () => Promise<string>;
}> {
  const bytes = pattern(SIZE);
  await writeFile(join(dir, 'source-atlas.bin'), bytes);
  const alice = s.device('alice');
  const bob = s.device('bob', { fileSink: directorySinkFactory(dir) });
  await startAll(alice, bob);
  const send = async () => {
    const source = await openFileSource(join(dir, 'source-atlas.bin'), { name: 'atlas.bin' });
    return alice.c.files.send(alice.c.conversations.direct(bob.c.account), { source });
  };
  return { alice, bob, bytes, send };
}

describe('a direct file whose receiving app stops as the file ends', () => {
  it('gets a file whose last byte was verified when the receiving app stopped, before it was recorded complete', async () => {
    const { alice, bob, bytes, send } = await sendFromDisk();
    const offered = collect(bob.c, 'file-offered');
    const reached = stopAtCompleteRecord(bob, false);
    const messageId = await send();
    const sent = next(alice.c, 'file-sent', (event) => event.messageId === messageId);
    expect(await reached).toBe(messageId);
    // The sender was told the file is done, and let go of it.
    await sent;
    await bob.stop();

    const again = await bob.start();
    const offeredAgain = collect(again, 'file-offered');
    await expect
      .poll(async () => (await again.files.info(messageId))?.state, { timeout: 30_000 })
      .toBe('complete');
    expect((await readFile(join(dir, `${messageId}-atlas.bin`))).equals(bytes)).toBe(true);
    expect([...offered, ...offeredAgain].map((event) => event.messageId)).toEqual([messageId]);
  });
});
