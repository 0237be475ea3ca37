import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileSinkFactory } from '@parley/core';
import { createFileSink, openFileSource } from '@parley/core/files/node';
import { next, pattern, scenario, startAll } from './support/harness.js';

// A receiving app whose sink cannot open a half-written file again (a browser without OPFS sync access
// handles): after a restart its transfer starts again from the first byte, and still arrives whole.

const s = scenario();
let dir = '';
beforeEach(async () => {
  await s.setup();
  dir = await mkdtemp(join(tmpdir(), 'parley-restart-'));
});
afterEach(async () => {
  await s.teardown();
  await rm(dir, { recursive: true, force: true });
});

describe('a receiver whose file sink cannot resume', () => {
  it('takes the file again from its first byte after it restarts late in the transfer, and it arrives whole', async () => {
    const size = 12 * 1024 * 1024 + 555;
    const bytes = pattern(size);
    await writeFile(join(dir, 'film.mp4'), bytes);
    // No `resumes`: each opening starts the file empty, as a createWritable() stream does.
    const restarts: FileSinkFactory = ({ messageId }) => createFileSink(join(dir, `${messageId}.received`));
    const alice = s.device('alice');
    const bob = s.device('bob', { fileSink: restarts });
    await startAll(alice, bob);
    const source = await openFileSource(join(dir, 'film.mp4'), { mimeType: 'video/mp4' });
    // The receiver quits once two thirds are in: well past the sender's and the receiver's windows.
    let quitting: Promise<void> | undefined;
    bob.c.on('file-progress', ({ bytes: done, total }) => {
      if (quitting === undefined && done > (total * 2) / 3) quitting = bob.stop();
    });
    const messageId = await alice.c.files.send(alice.c.conversations.direct(bob.c.account), { source });
    const sent = next(alice.c, 'file-sent', (event) => event.messageId === messageId);
    while (quitting === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    await quitting;

    const again = await bob.start();
    const progress: number[] = [];
    again.on('file-progress', ({ bytes: done }) => progress.push(done));
    const failed = next(again, 'file-failed', (event) => event.messageId === messageId);
    const file = await Promise.race([
      next(again, 'file', (event) => event.messageId === messageId),
      failed.then(({ reason }) => {
        throw new Error(`the file failed: ${reason}`);
      }),
    ]);
    await sent;
    await source.close();
    expect(file).toMatchObject({ messageId, name: 'film.mp4', size });
    expect((await readFile(join(dir, `${messageId}.received`))).equals(bytes)).toBe(true);
    // It came again from the start: the first progress after the restart is within the first megabyte.
    expect(progress[0]).toBeLessThanOrEqual(1024 * 1024);
    expect(await again.db.engineState.keys('file-in:')).toEqual([]);
  });
});
