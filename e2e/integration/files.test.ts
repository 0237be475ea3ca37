import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CHUNK_BYTES, type FileSink, type FileSource } from '@parley/core';
import { createFileSink, openFileSource } from '@parley/core/files/node';
import { next, scenario, startAll, pattern } from './support/harness.js';

const s = scenario();
let dir = '';
beforeEach(async () => {
  await s.setup();
  dir = await mkdtemp(join(tmpdir(), 'parley-files-'));
});
afterEach(async () => {
  await s.teardown();
  await rm(dir, { recursive: true, force: true });
});

/** The attachment layer's chunk: the most plaintext the engine should ever ask for or hand over at once. */
const CRYPTO_CHUNK = 64 * 1024;

// Files between two running devices over their direct link. Across an app restart: file-restarts.test.ts;
// through the relay to a device that is offline: files-through-relay.test.ts.

describe('ParleyClient files', () => {
  it('resumes a file over a new link after the link drops mid-transfer', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const bytes = pattern(1024 * 1024);
    const progress: number[] = [];
    let dropped = false;
    bob.c.on('file-progress', ({ bytes: done, total }) => {
      progress.push(done);
      // Cut the link once, somewhere in the middle of the file.
      if (!dropped && done > 0 && done < total / 2) {
        dropped = true;
        bob.c.links.drop(alice.c.account);
      }
    });
    const arrived = next(bob.c, 'file');
    const sentConfirmed = next(alice.c, 'file-sent');
    const messageId = await alice.c.files.send(alice.c.conversations.direct(bob.c.account), {
      name: 'summit.raw',
      mimeType: 'application/octet-stream',
      bytes,
      caption: 'the view',
    });
    const file = await arrived;
    expect(dropped).toBe(true);
    expect(file).toMatchObject({ messageId, name: 'summit.raw' });
    expect(file.bytes).toEqual(bytes);
    await sentConfirmed;
    // Progress never went back to zero after the drop: the transfer resumed where it stopped.
    const afterDrop = progress.slice(progress.findIndex((done) => done > 0));
    expect(Math.min(...afterDrop)).toBeGreaterThan(0);
  });

  it("reports a received file's progress in steps a screen can draw, not once per 16 KiB chunk", async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const size = 2 * 1024 * 1024;
    const progress: number[] = [];
    let total = 0;
    bob.c.on('file-progress', ({ direction, bytes: done, total: of }) => {
      if (direction !== 'receive') return;
      progress.push(done);
      total = of;
    });
    const arrived = next(bob.c, 'file');
    await alice.c.files.send(alice.c.conversations.direct(bob.c.account), {
      name: 'slides.pdf',
      mimeType: 'application/pdf',
      bytes: pattern(size),
    });
    const file = await arrived;
    // The transfer writes ~130 chunks; the screen hears at most one event per 64 KiB, and the last byte.
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(file.size / (64 * 1024)) + 2);
    expect(progress.every((done, i) => i === 0 || done > (progress[i - 1] ?? 0))).toBe(true);
    expect(progress.at(-1)).toBe(total);
  });

  it('tells the sender when the recipient has no room for the file, and the message fails with why', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob', {
      fileSink: () => {
        throw Object.assign(new Error(`ENOSPC: no space left on device, open '${dir}/secret/path'`), {
          code: 'ENOSPC',
        });
      },
    });
    await startAll(alice, bob);
    const failedHere = next(alice.c, 'file-failed');
    const failedThere = next(bob.c, 'file-failed');
    const messageFailed = next(alice.c, 'message-state', ({ state }) => state === 'failed');
    const messageId = await alice.c.files.send(alice.c.conversations.direct(bob.c.account), {
      name: 'big.iso',
      mimeType: 'application/octet-stream',
      bytes: pattern(200_000),
    });
    const refusal = await failedHere;
    expect(refusal).toMatchObject({ messageId, direction: 'send' });
    expect(refusal.reason).toContain('not enough space on the recipient device');
    expect(refusal.reason).not.toContain('secret'); // no local path travels to the peer
    expect(await failedThere).toMatchObject({ messageId, direction: 'receive' });
    const state = await messageFailed;
    expect(state).toMatchObject({ messageId, state: 'failed' });
    expect(state.reason).toContain('not enough space');
    expect((await alice.c.db.messages.get(messageId))?.state).toBe('failed');
  });

  it("tells the sender when the file is over the recipient's size limit", async () => {
    const alice = s.device('alice');
    const bob = s.device('bob', { maxFileBytes: 100_000 });
    await startAll(alice, bob);
    const failed = next(alice.c, 'file-failed');
    const messageId = await alice.c.files.send(alice.c.conversations.direct(bob.c.account), {
      name: 'movie.mkv',
      mimeType: 'video/x-matroska',
      bytes: pattern(150_000),
    });
    const refusal = await failed;
    expect(refusal).toMatchObject({ messageId, direction: 'send' });
    expect(refusal.reason).toContain('PAYLOAD_TOO_LARGE');
  });

  it('sends a voice message with its duration, waveform and the bytes', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const announced = next(bob.c, 'message');
    const arrived = next(bob.c, 'file');
    await alice.c.files.send(alice.c.conversations.direct(bob.c.account), {
      name: 'voice.opus',
      mimeType: 'audio/ogg',
      bytes: pattern(40_000),
      voice: { durationMs: 2_500, waveform: [0, 0.5, 1, 0.25] },
    });
    expect((await announced).message.text).toBe('voice.opus');
    const file = await arrived;
    expect(file.voice).toEqual({ durationMs: 2_500, waveform: [0, 0.5, 1, 0.25] });
    expect(file.bytes).toEqual(pattern(40_000));
  });

  it('remembers what each file message is on both sides, and when its bytes have arrived', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const arrived = next(bob.c, 'file');
    const sentConfirmed = next(alice.c, 'file-sent');
    const messageId = await alice.c.files.send(alice.c.conversations.direct(bob.c.account), {
      name: 'voice.webm',
      mimeType: 'audio/webm',
      bytes: pattern(30_000),
      thumbnail: pattern(100),
      voice: { durationMs: 1_200, waveform: [0.1, 0.9] },
    });
    const expected = {
      messageId,
      name: 'voice.webm',
      mimeType: 'audio/webm',
      size: 30_000,
      thumbnail: pattern(100),
      voice: { durationMs: 1_200, waveform: [0.1, 0.9] },
    };
    expect(await alice.c.files.info(messageId)).toMatchObject({ ...expected, direction: 'send' });
    const sent = await alice.c.db.messages.get(messageId);
    expect(sent?.attachmentIds).toHaveLength(1);
    await arrived;
    expect(await bob.c.files.info(messageId)).toEqual({
      ...expected,
      direction: 'receive',
      state: 'complete',
    });
    expect((await bob.c.db.messages.get(messageId))?.attachmentIds).toHaveLength(1);
    await sentConfirmed;
    expect((await alice.c.files.info(messageId))?.state).toBe('complete');
    const text = await alice.c.messages.send(alice.c.conversations.direct(bob.c.account), 'not a file');
    expect(await alice.c.files.info(text.id)).toBeUndefined();
  });

  it('streams a large file from a file on disk to a file on disk, a batch at a time', async () => {
    const size = 12 * 1024 * 1024 + 12_345;
    const bytes = pattern(size);
    await writeFile(join(dir, 'in.bin'), bytes);
    const file = await openFileSource(join(dir, 'in.bin'), { mimeType: 'video/mp4' });
    // The sender's reads (one pass: it encrypts as the transfer asks, the digest trails) and the receiver's
    // writes, watched.
    let largestRead = 0;
    let largestWrite = 0;
    let readPass = 0;
    let readEnd = 0;
    let written = 0;
    let peakInFlight = 0;
    let writesBeforeLastRead = 0;
    const source: FileSource = {
      size: file.size,
      name: file.name,
      mimeType: file.mimeType,
      read: async (offset, length) => {
        if (offset === 0) readPass += 1;
        largestRead = Math.max(largestRead, length);
        readEnd = offset + length;
        peakInFlight = Math.max(peakInFlight, readEnd - written);
        return file.read(offset, length);
      },
    };
    const alice = s.device('alice');
    const bob = s.device('bob', {
      fileSink: async ({ messageId }) => {
        const disk = await createFileSink(join(dir, `${messageId}.out`));
        const sink: FileSink = {
          write: async (offset, piece) => {
            expect(offset).toBe(written);
            largestWrite = Math.max(largestWrite, piece.length);
            written += piece.length;
            if (readEnd < size) writesBeforeLastRead += 1;
            await disk.write(offset, piece);
          },
          finish: () => disk.finish(),
          abort: () => disk.abort(),
        };
        return sink;
      },
    });
    await startAll(alice, bob);
    const arrived = next(bob.c, 'file');
    const messageId = await alice.c.files.send(alice.c.conversations.direct(bob.c.account), { source });
    const received = await arrived;
    await file.close();
    expect(received).toMatchObject({ messageId, name: 'in.bin', mimeType: 'video/mp4', size });
    expect(received.bytes).toBeUndefined();
    // Compared with Buffer.equals: vitest's toEqual walks 8 MiB element by element for most of a minute.
    expect((await readFile(join(dir, `${messageId}.out`))).equals(bytes)).toBe(true);
    // The file is read once, front to back...
    expect(readPass).toBe(1);
    // ...never more than one batch of the crypto workers (16 attachment chunks, sealed on the sender's worker
    // thread, opened on the receiver's) asked for or written at once...
    expect(largestRead).toBeLessThanOrEqual(16 * CRYPTO_CHUNK);
    expect(largestWrite).toBeLessThanOrEqual(16 * CRYPTO_CHUNK);
    // ...the receiver writes while the sender is still reading: chunks are decrypted as they arrive...
    expect(writesBeforeLastRead).toBeGreaterThan(0);
    // ...and what was read but not yet written stays within one transfer window (256 chunks) plus what the
    // receiver's decrypting worker may hold (3 batches of 16 attachment chunks) and the sender's sealing
    // pipeline (the batch being sent and 1 sealed ahead, 16 chunks each), below the file, however far the
    // receiver falls behind (a worker thread starting, say).
    const bound = 256 * DEFAULT_CHUNK_BYTES + 3 * 16 * (CRYPTO_CHUNK + 16) + 2 * 16 * CRYPTO_CHUNK;
    expect(peakInFlight).toBeLessThanOrEqual(bound);
    expect(bound).toBeLessThan(size * 0.8);
  });
});
