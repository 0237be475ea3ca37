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
/** The files the tests opened to send, closed after each. */
const sources: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await s.teardown();
  for (const source of sources.splice(0)) await source.close();
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
    sources.push(source);
    return alice.c.files.send(alice.c.conversations.direct(bob.c.account), { source });
  };
  return { alice, bob, bytes, send };
}

/** The sender's side once it let go of the file: its record complete, its resume record gone. */
async function senderDone(alice: TestDevice, messageId: string): Promise<void> {
  await expect
    .poll(async () => (await alice.c.files.info(messageId))?.state, { timeout: 30_000 })
    .toBe('complete');
  await expect.poll(() => alice.c.db.engineState.keys('file-out:'), { timeout: 30_000 }).toEqual([]);
}

describe('a direct file whose receiving app stops as the file ends', () => {
  it('gets a file whose last byte was verified when the receiving app stopped, before it was recorded complete', async () => {
    const { alice, bob, bytes, send } = await sendFromDisk();
    const offered = collect(bob.c, 'file-offered');
    const told = collect(alice.c, 'file-sent');
    const reached = stopAtCompleteRecord(bob, false);
    const messageId = await send();
    const sent = next(alice.c, 'file-sent', (event) => event.messageId === messageId);
    expect(await reached).toBe(messageId);
    // Every byte is in the sink and verified, and the sender was not told: it still holds the file.
    expect(told).toEqual([]);
    await bob.stop();

    const again = await bob.start();
    const offeredAgain = collect(again, 'file-offered');
    const file = await next(again, 'file', (event) => event.messageId === messageId);
    expect(file).toMatchObject({ name: 'atlas.bin', size: SIZE });
    expect(await again.files.info(messageId)).toMatchObject({ direction: 'receive', state: 'complete' });
    expect((await readFile(join(dir, `${messageId}-atlas.bin`))).equals(bytes)).toBe(true);
    expect([...offered, ...offeredAgain].map((event) => event.messageId)).toEqual([messageId]);
    await sent;
    await senderDone(alice, messageId);
    await expect.poll(() => again.db.engineState.keys('file-in:'), { timeout: 30_000 }).toEqual([]);
  });

  it("ends the sender's file when the receiving app stopped right after recording it complete, before telling the sender", async () => {
    const { alice, bob, bytes, send } = await sendFromDisk();
    const offered = collect(bob.c, 'file-offered');
    const told = collect(alice.c, 'file-sent');
    const reached = stopAtCompleteRecord(bob, true);
    const messageId = await send();
    const sent = next(alice.c, 'file-sent', (event) => event.messageId === messageId);
    expect(await reached).toBe(messageId);
    // The file is recorded complete; its `done` never left.
    expect(told).toEqual([]);
    await bob.stop();

    // Started again, the receiver has nothing left to receive; the sender's next hello is told `done`.
    const again = await bob.start();
    const offeredAgain = collect(again, 'file-offered');
    await senderDone(alice, messageId);
    await sent;
    expect(await again.files.info(messageId)).toMatchObject({ direction: 'receive', state: 'complete' });
    expect((await readFile(join(dir, `${messageId}-atlas.bin`))).equals(bytes)).toBe(true);
    expect([...offered, ...offeredAgain].map((event) => event.messageId)).toEqual([messageId]);
    await expect.poll(() => again.db.engineState.keys('file-in:'), { timeout: 30_000 }).toEqual([]);
  });
});
