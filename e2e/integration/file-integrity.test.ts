import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataLink, type AttachmentOpener } from '@parley/core';
import { workerOpener } from '@parley/core/crypto/opener/node';
import { collect, next, pattern, scenario, startAll } from './support/harness.js';

/*
 * A received file is decrypted on a worker thread (the apps' layout, and the harness's default): these
 * check that what reaches the file event is still exactly what was sent, and that a chunk altered on the
 * way is still refused when the worker opens it.
 */

const s = scenario();
/** The first test of a file pays for starting a relay, two clients and a link on a loaded 2-core machine. */
const DEADLINE = { timeout: 240_000 };
const originalSend = DataLink.prototype.send;
const originalTrySend = DataLink.prototype.trySend;
beforeEach(() => s.setup());
afterEach(async () => {
  DataLink.prototype.send = originalSend;
  DataLink.prototype.trySend = originalTrySend;
  await s.teardown();
});

/**
 * The worker opener, counting the batches it was handed (proof the file went through it) and those it opened
 * straight into the sink's shared memory. Without `shared` it does not say `sharedMemory`: the engine's sink
 * is then unshared and the plaintext comes back from the worker, as in a browser that is not isolated.
 */
function countedWorker(shared: boolean): {
  opener: (() => AttachmentOpener) & { sharedMemory: boolean };
  batches: () => number;
  intoShared: () => number;
} {
  let batches = 0;
  let intoShared = 0;
  const start = (): AttachmentOpener => {
    const inner = workerOpener();
    return {
      sharedMemory: shared,
      open: (batch) => {
        batches += 1;
        if (batch.into !== undefined) intoShared += 1;
        return inner.open(batch);
      },
      close: () => inner.close(),
    };
  };
  return {
    batches: () => batches,
    intoShared: () => intoShared,
    opener: Object.assign(start, { sharedMemory: shared }),
  };
}

/**
 * A modified sender: from the `after`-th link frame that carries a transfer chunk on, once, one bit of the
 * chunk's last byte is flipped before it leaves (the frame is otherwise well formed).
 */
function flipOneChunkBit(after: number): () => boolean {
  let chunks = 0;
  let flipped = false;
  const alter = (frame: Uint8Array): Uint8Array | undefined => {
    if (frame.byteLength <= 8 * 1024 || flipped || chunks + 1 < after) return undefined;
    const altered = frame.slice();
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    return altered;
  };
  DataLink.prototype.send = function send(this: DataLink, frame: Uint8Array) {
    const altered = alter(frame);
    if (frame.byteLength > 8 * 1024) chunks += 1;
    if (altered !== undefined) flipped = true;
    return originalSend.call(this, altered ?? frame);
  };
  // File chunks go out through trySend (a frame the link takes at once); a refused frame comes again.
  DataLink.prototype.trySend = function trySend(this: DataLink, frame: Uint8Array) {
    const altered = alter(frame);
    const sent = originalTrySend.call(this, altered ?? frame);
    if (sent && frame.byteLength > 8 * 1024) chunks += 1;
    if (sent && altered !== undefined) flipped = true;
    return sent;
  };
  return () => flipped;
}

describe('direct files decrypted on a worker thread', () => {
  for (const shared of [false, true]) {
    const where = shared ? "straight into the sink's shared memory" : 'posted back into the sink';
    it(`arrive byte for byte, opened by the worker in batches, ${where}`, DEADLINE, async () => {
      const worker = countedWorker(shared);
      const alice = s.device('alice');
      const bob = s.device('bob', { attachmentOpener: worker.opener });
      await startAll(alice, bob);
      const bytes = pattern(3 * 1024 * 1024 + 4321);
      const arrived = next(bob.c, 'file');
      const messageId = await alice.c.files.send(alice.c.conversations.direct(bob.c.account), {
        name: 'archive.tar',
        mimeType: 'application/x-tar',
        bytes,
      });
      const file = await arrived;
      expect(file).toMatchObject({ messageId, name: 'archive.tar', size: bytes.length });
      expect(file.bytes).toEqual(bytes);
      expect(file.bytes?.buffer instanceof SharedArrayBuffer).toBe(shared);
      // 49 attachment chunks: at least one batch per MiB, and the final chunk's.
      expect(worker.batches()).toBeGreaterThanOrEqual(4);
      expect(worker.intoShared()).toBe(shared ? worker.batches() : 0);
    });
  }

  it(
    'arrive byte for byte when the platform gives no worker and the engine decrypts on its own thread',
    DEADLINE,
    async () => {
      const alice = s.device('alice');
      const bob = s.device('bob', { attachmentOpener: 'inline' });
      await startAll(alice, bob);
      const bytes = pattern(1024 * 1024 + 5);
      const arrived = next(bob.c, 'file');
      await alice.c.files.send(alice.c.conversations.direct(bob.c.account), {
        name: 'notes.bin',
        mimeType: 'application/octet-stream',
        bytes,
      });
      expect((await arrived).bytes).toEqual(bytes);
    },
  );

  for (const shared of [false, true]) {
    const where = shared ? ' into shared memory' : '';
    it(
      `refuses a file whose chunk was altered on the way: the worker does not open it${where}, both sides fail it`,
      DEADLINE,
      async () => {
        const worker = countedWorker(shared);
        const alice = s.device('alice');
        const bob = s.device('bob', { attachmentOpener: worker.opener });
        await startAll(alice, bob);
        const received = collect(bob.c, 'file');
        const failedThere = next(bob.c, 'file-failed');
        const failedHere = next(alice.c, 'file-failed');
        const flipped = flipOneChunkBit(40);
        const messageId = await alice.c.files.send(alice.c.conversations.direct(bob.c.account), {
          name: 'contract.pdf',
          mimeType: 'application/pdf',
          bytes: pattern(2 * 1024 * 1024),
        });
        const refusal = await failedThere;
        expect(flipped()).toBe(true);
        expect(refusal).toMatchObject({ messageId, direction: 'receive' });
        expect(refusal.reason).toMatch(/does not authenticate|digest does not match/);
        expect(await failedHere).toMatchObject({ messageId, direction: 'send' });
        expect(worker.batches()).toBeGreaterThan(0);
        expect(worker.intoShared()).toBe(shared ? worker.batches() : 0);
        expect(received).toEqual([]);
        expect((await bob.c.files.info(messageId))?.state).toBe('failed');
      },
    );
  }
});
