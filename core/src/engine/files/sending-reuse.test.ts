/**
 * A direct transfer's sender encrypts every attachment chunk into one box and builds every link frame in one
 * buffer (EncryptingReader's reuseMemory, TransferPort.trySendChunk). These tests attack that reuse over
 * real WebRTC links: the receiver must still get and authenticate every byte, also when the link dies and
 * the transfer resumes from chunks whose memory later chunks have overwritten since.
 */
import nacl from 'tweetnacl';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttachmentSealer } from '../../crypto/attachment/sealer.js';
import { workerSealer } from '../../crypto/attachment/worker-opener.node.js';
import { nodeNativeBackend } from '../../crypto/backend/native.node.js';
import { tweetnaclBackend } from '../../crypto/backend/tweetnacl.js';
import { sealAttachmentDigest } from '../../crypto/index.js';
import type { DataLink } from '../../link/data-link.js';
import { closeAll, whenClosed } from '../../link/testing/link-pair.js';
import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import { TransferReceiver } from '../../transfer/receiver.js';
import { TransferSender } from '../../transfer/sender.js';
import { linkSessions } from '../../transfer/testing/link-sessions.js';
import { DecryptingWriter, EncryptingReader, prepareFile } from './attachment-stream.js';
import { MemoryFileSink, bytesSource } from './file-io.js';

const links: DataLink[] = [];
afterEach(async () => {
  await closeAll(...links.splice(0));
});

const sessions = (linkId: string) => linkSessions(linkId, links);

const CHUNK = 64 * 1024;

/** Started by the first test that seals on a worker; stopped at the end. */
let worker: AttachmentSealer | undefined;
afterAll(() => worker?.close());
/** The sealer of the suite running: none (the engine's thread) or a worker thread's. */
let sealing: 'inline' | 'worker' = 'inline';
const sealer = () => (sealing === 'worker' ? (worker ??= workerSealer()) : undefined);

/** A file's sender as file-sending.ts builds it, and receivers (each into a fresh sink) that decrypt and check it. */
function transfer(id: string, plaintext: Uint8Array, backend = nodeNativeBackend, window = 16) {
  const crypto = { backend, randomBytes: (length: number) => nacl.randomBytes(length) };
  const prepared = prepareFile(plaintext.byteLength, crypto);
  const through = sealer();
  const reader = new EncryptingReader(bytesSource(plaintext, 'f', 'x'), prepared, crypto, {
    reuseMemory: true,
    ...(through === undefined ? {} : { sealer: through }),
  });
  let furthestRead = 0;
  const sender = new TransferSender({
    id,
    size: reader.size,
    source: {
      read: (offset, length) => {
        furthestRead = Math.max(furthestRead, offset + length);
        return reader.read(offset, length);
      },
    },
    window,
    trailer: async () =>
      toBase64Url(sealAttachmentDigest(prepared.keys, prepared.header, await reader.digest(), crypto)),
  });
  const receiver = (beforeWrite?: (offset: number) => void) => {
    const sink = new MemoryFileSink(plaintext.byteLength);
    const writer = new DecryptingWriter(sink, prepared.keys, crypto);
    const end = new TransferReceiver({
      id,
      size: reader.size,
      window,
      trailer: true,
      sink: {
        write: (offset, bytes) => {
          beforeWrite?.(offset);
          return writer.write(offset, bytes);
        },
      },
      // Throws unless every chunk authenticated and the digest over all their tags matches.
      verify: async (trailer) => writer.finish(trailer === undefined ? undefined : fromBase64Url(trailer)),
    });
    return { receiver: end, sink };
  };
  return { sender, receiver, furthestRead: () => furthestRead };
}

describe.each(['inline', 'worker'] as const)(
  'a direct transfer sent from reused memory, sealed %s',
  (mode) => {
    beforeEach(() => {
      sealing = mode;
    });

    it('delivers every byte of a file sent from one box and one frame buffer, under both backends', async () => {
      for (const backend of [nodeNativeBackend, tweetnaclBackend]) {
        const plaintext = nacl.randomBytes(5 * CHUNK + 123);
        const { sender, receiver } = transfer(`whole-${backend.name}`, plaintext, backend);
        const { receiver: end, sink } = receiver();
        const { sa, sb } = await sessions(`whole-${backend.name}`);
        sb.attach(end);
        sa.attach(sender);
        await Promise.all([sender.done, end.done]);
        expect(Buffer.compare(sink.bytes, plaintext)).toBe(0);
      }
    });

    it('resumes on a new link from where the receiver stands, and the receiver gets the right bytes', async () => {
      const plaintext = nacl.randomBytes(12 * CHUNK + 5);
      const { sender, receiver } = transfer('resumed', plaintext);
      const first = await sessions('before-drop');
      const dropped = whenClosed(first.b);
      const { receiver: end, sink } = receiver((offset) => {
        if (offset === 40 * sender.chunkSize) first.a.close(); // the link dies mid-transfer
      });
      first.sb.attach(end);
      first.sa.attach(sender);
      await dropped;
      expect(sender.state).toBe('waiting');

      const second = await sessions('after-drop');
      second.sb.attach(end);
      second.sa.attach(sender);
      await Promise.all([sender.done, end.done]);
      expect(sender.resumePoints[1]).toBeGreaterThan(0);
      expect(Buffer.compare(sink.bytes, plaintext)).toBe(0);
    });

    it('sends the first chunks again, right, to a receiver that starts over after the box moved on', async () => {
      const plaintext = nacl.randomBytes(12 * CHUNK + 5);
      const { sender, receiver, furthestRead } = transfer('again', plaintext);
      const first = await sessions('first-receiver');
      const dropped = whenClosed(first.b);
      const before = receiver((offset) => {
        if (offset === 40 * sender.chunkSize) first.a.close();
      });
      first.sb.attach(before.receiver);
      first.sa.attach(sender);
      await dropped;
      before.receiver.cancel('the app quit and lost what it had');
      // The sender's box has held several later attachment chunks since it encrypted the first.
      expect(furthestRead()).toBeGreaterThan(4 * CHUNK);

      const after = receiver();
      const second = await sessions('second-receiver');
      second.sb.attach(after.receiver);
      second.sa.attach(sender);
      await Promise.all([sender.done, after.receiver.done]);
      expect(sender.resumePoints).toEqual([0, 0]);
      expect(Buffer.compare(after.sink.bytes, plaintext)).toBe(0);
    });
  },
);
