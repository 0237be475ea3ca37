import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FetchLike } from '@parley/core';
import { collect, next, scenario, startAll, until, pattern } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

/** Alice and Bob linked directly, a 40 MiB file from Alice already arriving at Bob. */
async function directTransferUnderWay() {
  const alice = s.device('alice');
  const bob = s.device('bob');
  await startAll(alice, bob);
  const toBob = alice.c.conversations.direct(bob.c.account);
  const first = next(bob.c, 'message');
  await alice.c.messages.send(toBob, 'a big one is coming');
  expect((await first).via).toBe('direct');
  const progress = next(bob.c, 'file-progress', (event) => event.direction === 'receive');
  const { messageId } = await alice.c.files.start(toBob, {
    name: 'archive.zip',
    mimeType: 'application/zip',
    bytes: pattern(40 * 1024 * 1024),
  });
  await progress;
  return { alice, bob, toBob, messageId };
}

/** Uploads and transfers a person cancels: they stop, and both sides say so. */
describe('ParleyClient cancelling files', () => {
  it('shows a relay upload at once, cancels it midway, and the peer never hears of it', async () => {
    // The second piece waits until the test lets it go, so the cancel lands mid-upload, not after it.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstPiece = () => {};
    const pieceDone = new Promise<void>((resolve) => (firstPiece = resolve));
    let patches = 0;
    const holdingFetch: FetchLike = async (url, init) => {
      if (init?.method === 'PATCH' && ++patches === 2) await held;
      const response = await fetch(url, init);
      if (init?.method === 'PATCH' && patches === 1) firstPiece();
      return response;
    };
    const alice = s.device('alice', { fetch: holdingFetch });
    const bob = s.device('bob');
    await startAll(alice, bob);
    const bobAccount = bob.c.account;
    await bob.stop();
    const toBob = alice.c.conversations.direct(bobAccount);

    const { messageId, uploaded } = await alice.c.files.start(toBob, {
      name: 'holiday.mov',
      mimeType: 'video/quicktime',
      bytes: pattern(10 * 1024 * 1024),
    });
    // The message shows before the upload is done.
    expect(await alice.c.db.messages.get(messageId)).toMatchObject({ state: 'pending' });
    expect((await alice.c.messages.page(toBob)).messages.map((m) => m.id)).toContain(messageId);
    expect(await alice.c.files.info(messageId)).toMatchObject({ state: 'transferring' });

    await pieceDone;
    const cancelled = next(alice.c, 'file-cancelled');
    const failed = next(alice.c, 'message-state', (event) => event.messageId === messageId);
    alice.c.files.cancel(messageId);
    release();
    await expect(uploaded).rejects.toMatchObject({ code: 'CLOSED' });
    expect(await cancelled).toEqual({ messageId, direction: 'send', by: 'local' });
    expect(await failed).toMatchObject({ state: 'failed', reason: 'you cancelled the upload' });
    expect(await alice.c.files.info(messageId)).toMatchObject({ state: 'cancelled', cancelledBy: 'local' });
    // 10 MiB go in three 4 MiB pieces: it stopped before the last.
    expect(patches).toBeLessThan(3);

    const client = await bob.start();
    const offered = collect(client, 'file-offered');
    const after = next(client, 'message', ({ message }) => message.text === 'never mind');
    await alice.c.messages.send(toBob, 'never mind');
    await after;
    expect(offered).toEqual([]);
  });

  it('stops a direct transfer the receiver cancels, and both sides report it cancelled', async () => {
    const { alice, bob, messageId } = await directTransferUnderWay();
    const here = next(bob.c, 'file-cancelled');
    const there = next(alice.c, 'file-cancelled');
    const arrived = collect(bob.c, 'file');
    bob.c.files.cancel(messageId);
    expect(await here).toEqual({ messageId, direction: 'receive', by: 'local' });
    expect(await there).toEqual({ messageId, direction: 'send', by: 'remote' });
    await until(async () => (await alice.c.files.info(messageId))?.state === 'cancelled', 'sender record');
    await until(async () => (await bob.c.files.info(messageId))?.state === 'cancelled', 'receiver record');
    expect(await alice.c.files.info(messageId)).toMatchObject({ cancelledBy: 'remote' });
    expect(await bob.c.files.info(messageId)).toMatchObject({ cancelledBy: 'local' });
    expect(arrived).toEqual([]);
    expect(() => bob.c.files.cancel(messageId)).toThrow(/no transfer/u);
  });

  it('stops a direct transfer its sender cancels; the receiver hears it once, by the sender', async () => {
    const { alice, bob, toBob, messageId } = await directTransferUnderWay();
    const heard = collect(bob.c, 'file-cancelled');
    const here = next(alice.c, 'file-cancelled');
    alice.c.files.cancel(messageId);
    expect(await here).toEqual({ messageId, direction: 'send', by: 'local' });
    // The control message telling Bob goes before this text: once it is here, so is the cancel.
    const after = next(bob.c, 'message', ({ message }) => message.text === 'sorry, wrong file');
    await alice.c.messages.send(toBob, 'sorry, wrong file');
    await after;
    expect(heard).toEqual([{ messageId, direction: 'receive', by: 'remote' }]);
    expect(await bob.c.files.info(messageId)).toMatchObject({ state: 'cancelled', cancelledBy: 'remote' });
  });
});
