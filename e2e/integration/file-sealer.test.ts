import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParleyError, type AttachmentSealer } from '@parley/core';
import { workerSealer } from '@parley/core/crypto/opener/node';
import { next, pattern, scenario, startAll } from './support/harness.js';

/*
 * A sent file is encrypted on a worker thread (the client's `attachmentSealer`, the apps' layout and the
 * harness's default) in batches ahead of the transfer: what the receiver gets and verifies must be exactly
 * what was sent, and a sealing thread that fails must fail the file, not send it wrong.
 */

const s = scenario();
/** The first test of a file pays for starting a relay, two clients and a link on a loaded 2-core machine. */
const DEADLINE = { timeout: 240_000 };
beforeEach(() => s.setup());
afterEach(() => s.teardown());

/**
 * The worker sealer, recording the chunks it was handed (proof the file went through it); from its
 * `failAfter`-th batch on, every batch is refused as a thread that died refuses it.
 */
function countedSealer(failAfter = Infinity): { start: () => AttachmentSealer; chunks: Set<number> } {
  const chunks = new Set<number>();
  let batches = 0;
  const start = (): AttachmentSealer => {
    const inner = workerSealer();
    return {
      seal: (batch) => {
        batches += 1;
        if (batches > failAfter)
          return Promise.reject(new ParleyError('INTERNAL', 'the attachment crypto worker stopped'));
        const count = batch.final
          ? Math.floor(batch.length / batch.chunkSize) + 1
          : batch.length / batch.chunkSize;
        for (let i = 0; i < count; i += 1) chunks.add(batch.firstIndex + i);
        return inner.seal(batch);
      },
      close: () => inner.close(),
    };
  };
  return { start, chunks };
}

describe('direct files encrypted on a worker thread', () => {
  it('arrive byte for byte and verified, every chunk sealed by the sender’s worker', DEADLINE, async () => {
    const sealer = countedSealer();
    const alice = s.device('alice', { attachmentSealer: sealer.start });
    const bob = s.device('bob');
    await startAll(alice, bob);
    const bytes = pattern(3 * 1024 * 1024 + 4321);
    const arrived = next(bob.c, 'file');
    const sent = next(alice.c, 'file-sent');
    const messageId = await alice.c.files.send(alice.c.conversations.direct(bob.c.account), {
      name: 'archive.tar',
      mimeType: 'application/x-tar',
      bytes,
    });
    // The file event comes only once every chunk authenticated and the trailing digest matched.
    const file = await arrived;
    expect(file).toMatchObject({ messageId, name: 'archive.tar', size: bytes.length });
    expect(Buffer.compare(file.bytes ?? new Uint8Array(), bytes)).toBe(0);
    expect(await sent).toMatchObject({ messageId });
    // 49 attachment chunks (48 full, the final one short), each sealed there.
    expect(sealer.chunks.size).toBe(49);
  });

  it(
    'arrive byte for byte when the sender encrypts on its own thread (no sealer given)',
    DEADLINE,
    async () => {
      const alice = s.device('alice', { attachmentSealer: 'inline' });
      const bob = s.device('bob');
      await startAll(alice, bob);
      const bytes = pattern(1024 * 1024 + 5);
      const arrived = next(bob.c, 'file');
      await alice.c.files.send(alice.c.conversations.direct(bob.c.account), {
        name: 'notes.bin',
        mimeType: 'application/octet-stream',
        bytes,
      });
      expect(Buffer.compare((await arrived).bytes ?? new Uint8Array(), bytes)).toBe(0);
    },
  );

  it(
    'fail, on both sides, when the sender’s sealing thread stops mid-file, and no file is delivered',
    DEADLINE,
    async () => {
      const sealer = countedSealer(3);
      const alice = s.device('alice', { attachmentSealer: sealer.start });
      const bob = s.device('bob');
      await startAll(alice, bob);
      let delivered = false;
      bob.c.on('file', () => {
        delivered = true;
      });
      const senderFailed = next(alice.c, 'file-failed');
      const receiverFailed = next(bob.c, 'file-failed');
      const messageId = await alice.c.files.send(alice.c.conversations.direct(bob.c.account), {
        name: 'video.mp4',
        mimeType: 'video/mp4',
        bytes: pattern(4 * 1024 * 1024),
      });
      // The reason says why, on both sides (the receiver is told in the transfer's cancel).
      const why = expect.stringContaining('the attachment crypto worker stopped');
      expect(await senderFailed).toMatchObject({ messageId, direction: 'send', reason: why });
      expect(await receiverFailed).toMatchObject({ direction: 'receive', reason: why });
      expect(delivered).toBe(false);
      // Only the batches before the failure were sealed (3 batches of 16 chunks, of the file's 65).
      expect(sealer.chunks.size).toBe(48);
    },
  );
});
