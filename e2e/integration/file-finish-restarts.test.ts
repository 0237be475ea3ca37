import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { directorySinkFactory, openFileSource, reopenFileSource } from '@parley/core/files/node';
import type { ParleyClient } from '@parley/core';
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

/**
 * Alice sends Bob a file from disk (Bob writes received files to `dir`: a sink that resumes); Bob's app stops
 * at the write of the file's record saying 'complete' (stored first if `lands`), before anything after it,
 * and starts again. The sender had not been told the file was done when Bob stopped.
 */
async function stopAsTheFileEnds(
  lands: boolean,
  /** The sending app stops too, and starts again after the receiving one (its transfer resumes then). */
  senderRestarts = false,
): Promise<{
  alice: TestDevice;
  again: ParleyClient;
  bytes: Uint8Array;
  messageId: string;
  sent: Promise<unknown>;
  offered: () => string[];
}> {
  const bytes = pattern(SIZE);
  await writeFile(join(dir, 'source-atlas.bin'), bytes);
  const alice = s.device('alice', { reopenFileSource });
  const bob = s.device('bob', { fileSink: directorySinkFactory(dir) });
  await startAll(alice, bob);
  const offered = collect(bob.c, 'file-offered');
  const told = collect(alice.c, 'file-sent');
  const reached = stopAtCompleteRecord(bob, lands);
  const source = await openFileSource(join(dir, 'source-atlas.bin'), { name: 'atlas.bin' });
  sources.push(source);
  const messageId = await alice.c.files.send(alice.c.conversations.direct(bob.c.account), { source });
  let sent = next(alice.c, 'file-sent', (event) => event.messageId === messageId);
  expect(await reached).toBe(messageId);
  // Every byte is in the sink and verified, and the sender was not told: it still holds the file.
  expect(told).toEqual([]);
  await bob.stop();
  if (senderRestarts) await alice.stop();

  const again = await bob.start();
  const offeredAgain = collect(again, 'file-offered');
  if (senderRestarts) {
    const sender = await alice.start();
    sent = next(sender, 'file-sent', (event) => event.messageId === messageId);
  }
  return {
    alice,
    again,
    bytes,
    messageId,
    sent,
    offered: () => [...offered, ...offeredAgain].map((event) => event.messageId),
  };
}

/** The sender's side once it let go of the file: its record complete, its resume record gone. */
async function senderDone(alice: TestDevice, messageId: string): Promise<void> {
  await expect
    .poll(async () => (await alice.c.files.info(messageId))?.state, { timeout: 30_000 })
    .toBe('complete');
  await expect.poll(() => alice.c.db.engineState.keys('file-out:'), { timeout: 30_000 }).toEqual([]);
}

/** The receiver's side: the file complete, its bytes intact, offered once, its resume record gone. */
async function receiverDone(
  again: ParleyClient,
  { messageId, bytes, offered }: { messageId: string; bytes: Uint8Array; offered: () => string[] },
): Promise<void> {
  expect(await again.files.info(messageId)).toMatchObject({ direction: 'receive', state: 'complete' });
  expect((await readFile(join(dir, `${messageId}-atlas.bin`))).equals(bytes)).toBe(true);
  expect(offered()).toEqual([messageId]);
  await expect.poll(() => again.db.engineState.keys('file-in:'), { timeout: 30_000 }).toEqual([]);
}

describe('a direct file whose receiving app stops as the file ends', () => {
  it('gets a file whose last byte was verified when the receiving app stopped, before it was recorded complete', async () => {
    const stopped = await stopAsTheFileEnds(false);
    const { alice, again, messageId, sent } = stopped;
    // The file comes again from the checkpoint, and is kept this time.
    const file = await next(again, 'file', (event) => event.messageId === messageId);
    expect(file).toMatchObject({ name: 'atlas.bin', size: SIZE });
    await receiverDone(again, stopped);
    await sent;
    await senderDone(alice, messageId);
  });

  it("ends the sender's file when the receiving app stopped right after recording it complete, before telling the sender", async () => {
    const stopped = await stopAsTheFileEnds(true);
    const { alice, again, messageId, sent } = stopped;
    // Nothing is left to receive; the sender's next hello is told `done`.
    await senderDone(alice, messageId);
    await sent;
    await receiverDone(again, stopped);
  });

  it('ends the file at both ends when the sending app restarts too, after the receiver kept it', async () => {
    const stopped = await stopAsTheFileEnds(true, true);
    const { alice, again, messageId, sent } = stopped;
    // The sending app's next start reopens the file and says hello: it is told `done` before any byte.
    await senderDone(alice, messageId);
    await sent;
    await receiverDone(again, stopped);
  });
});
