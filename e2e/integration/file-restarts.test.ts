import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CHUNK_BYTES } from '@parley/core';
import { directorySinkFactory, openFileSource, reopenFileSource } from '@parley/core/files/node';
import { next, scenario, startAll, pattern } from './support/harness.js';

const s = scenario();
let dir = '';
beforeEach(async () => {
  await s.setup();
  dir = await mkdtemp(join(tmpdir(), 'parley-file-restarts-'));
});
afterEach(async () => {
  await s.teardown();
  await rm(dir, { recursive: true, force: true });
});

describe('ParleyClient files', () => {
  it('finishes a file from disk after the sending app is closed mid-transfer and started again', async () => {
    const size = 6 * 1024 * 1024 + 777;
    const bytes = pattern(size);
    await writeFile(join(dir, 'film.mp4'), bytes);
    const alice = s.device('alice', { reopenFileSource });
    const bob = s.device('bob', { fileSink: directorySinkFactory(dir) });
    await startAll(alice, bob);
    const source = await openFileSource(join(dir, 'film.mp4'), { mimeType: 'video/mp4' });
    // The sender quits once about a third of the file is in, as a user closing the app would.
    const progress: number[] = [];
    let quitting: Promise<void> | undefined;
    bob.c.on('file-progress', ({ bytes: done, total }) => {
      progress.push(done);
      if (quitting === undefined && done > total / 3) quitting = alice.stop();
    });
    const arrived = next(bob.c, 'file');
    const messageId = await alice.c.files.send(alice.c.conversations.direct(bob.c.account), { source });
    while (quitting === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    await quitting;
    await source.close();
    const atQuit = progress.at(-1) ?? 0;
    expect(atQuit).toBeLessThan(size);

    // Same database, new process state: the transfer comes back by itself and resumes.
    const again = await alice.start();
    const sent = next(again, 'file-sent', (event) => event.messageId === messageId);
    const file = await arrived;
    await sent;
    expect(file).toMatchObject({ messageId, name: 'film.mp4', size });
    expect((await readFile(join(dir, `${messageId}-film.mp4`))).equals(bytes)).toBe(true);
    // It resumed from the receiver's checkpoint: the bytes already in were not sent again.
    const afterRestart = progress.slice(progress.indexOf(atQuit) + 1);
    expect(Math.min(...afterRestart)).toBeGreaterThanOrEqual(atQuit - 64 * DEFAULT_CHUNK_BYTES);
  });

  it('finishes a file from its checkpoint after the receiving app is closed mid-transfer and started again', async () => {
    const size = 6 * 1024 * 1024 + 333;
    const bytes = pattern(size);
    await writeFile(join(dir, 'film.mp4'), bytes);
    const alice = s.device('alice');
    const bob = s.device('bob', { fileSink: directorySinkFactory(dir) });
    await startAll(alice, bob);
    const source = await openFileSource(join(dir, 'film.mp4'), { mimeType: 'video/mp4' });
    // The receiver quits once about half of the file is in.
    let quitting: Promise<void> | undefined;
    let atQuit = 0;
    bob.c.on('file-progress', ({ bytes: done, total }) => {
      if (quitting !== undefined || done <= total / 2) return;
      atQuit = done;
      quitting = bob.stop();
    });
    const messageId = await alice.c.files.send(alice.c.conversations.direct(bob.c.account), { source });
    const sent = next(alice.c, 'file-sent', (event) => event.messageId === messageId);
    while (quitting === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    await quitting;
    expect(atQuit).toBeLessThan(size);

    const again = await bob.start();
    const progress: number[] = [];
    again.on('file-progress', ({ bytes: done }) => progress.push(done));
    const file = await next(again, 'file', (event) => event.messageId === messageId);
    await sent;
    await source.close();
    expect(file).toMatchObject({ messageId, name: 'film.mp4', size });
    expect((await readFile(join(dir, `${messageId}-film.mp4`))).equals(bytes)).toBe(true);
    // Resumed from the saved checkpoint (at most a little behind where it quit), not from the first byte.
    expect(progress.length).toBeGreaterThan(0);
    expect(Math.min(...progress)).toBeGreaterThan(size / 3);
    expect(await again.db.engineState.keys('file-in:')).toEqual([]);
  });

  it('fails an in-memory file cut by a restart of the sending app, saying why', async () => {
    const alice = s.device('alice', { reopenFileSource });
    const bob = s.device('bob');
    await startAll(alice, bob);
    let quitting: Promise<void> | undefined;
    bob.c.on('file-progress', ({ bytes: done }) => {
      if (quitting === undefined && done > 0) quitting = alice.stop();
    });
    const messageId = await alice.c.files.send(alice.c.conversations.direct(bob.c.account), {
      name: 'memo.bin',
      mimeType: 'application/octet-stream',
      bytes: pattern(3 * 1024 * 1024),
    });
    while (quitting === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    await quitting;
    const told = next(bob.c, 'file-failed', (event) => event.messageId === messageId);
    const again = await alice.start();
    const failed = await next(again, 'file-failed');
    expect(failed).toMatchObject({ messageId, direction: 'send' });
    expect(failed.reason).toContain('in memory');
    expect((await again.db.messages.get(messageId))?.state).toBe('failed');
    // The receiver is told why instead of waiting for bytes that will never come.
    const heard = await told;
    expect(heard).toMatchObject({ messageId, direction: 'receive' });
    expect(heard.reason).toMatch(/^the sender cannot send the file: .*in memory/);
    expect((await bob.c.files.info(messageId))?.state).toBe('failed');
  });
});
