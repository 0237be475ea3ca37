/**
 * EncryptingReader with a sealer on a worker thread (SealingPipeline) against the same reader sealing on its
 * own thread: the ciphertext and the digest must be the same byte for byte, whatever the reads' sizes and
 * order, and the batches' memory bounded and reused.
 */
import nacl from 'tweetnacl';
import { afterAll, describe, expect, it } from 'vitest';
import { inlineSealer, type AttachmentSealer } from '../../crypto/attachment/sealer.js';
import { workerSealer } from '../../crypto/attachment/worker-opener.node.js';
import { ParleyError } from '../../errors/index.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  DecryptingWriter,
  EncryptingReader,
  prepareFile,
  sealFile,
  type PreparedFile,
} from './attachment-stream.js';
import { MemoryFileSink, bytesSource } from './file-io.js';

const crypto = { randomBytes: (length: number) => nacl.randomBytes(length) };
const CHUNK = 64 * 1024;
const MiB = 1024 * 1024;

const worker = workerSealer();
afterAll(() => worker.close());

/** A prepared file, its source, and its ciphertext and digest as the reader makes them without a sealer. */
async function file(size: number) {
  const plaintext = nacl.randomBytes(size);
  const source = bytesSource(plaintext, 'f', 'application/octet-stream');
  const prepared: PreparedFile = prepareFile(size, crypto);
  const reference = new EncryptingReader(source, prepared, crypto);
  const ciphertext = (await reference.read(0, reference.size)).slice();
  return { source, prepared, ciphertext, digest: await reference.digest() };
}

/** Reads the whole ciphertext front to back in `piece`-byte reads, as a transfer does; counts those with no promise. */
async function readAll(reader: EncryptingReader, piece: number, from = 0) {
  const out = new Uint8Array(reader.size - from);
  let immediate = 0;
  let reads = 0;
  for (let offset = from; offset < reader.size; offset += piece) {
    const read = reader.read(offset, Math.min(piece, reader.size - offset));
    if (read instanceof Uint8Array) immediate += 1;
    out.set(read instanceof Uint8Array ? read : await read, offset - from);
    reads += 1;
  }
  return { bytes: out, immediate, reads };
}

describe('a sent file sealed on a worker thread', () => {
  it('is the same ciphertext and digest as sealing on the engine thread, for any size and read size', async () => {
    for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * MiB + 3])
      for (const piece of [16 * 1024, 7001]) {
        const f = await file(size);
        const reader = new EncryptingReader(f.source, f.prepared, crypto, {
          sealer: worker,
          reuseMemory: true,
        });
        const { bytes } = await readAll(reader, piece);
        expect(Buffer.compare(bytes, f.ciphertext), `size ${size}, reads of ${piece}`).toBe(0);
        expect(await reader.digest()).toEqual(f.digest);
        reader.close();
      }
  });

  it('hands most reads over without a promise: only the first read of a batch not yet sealed waits', async () => {
    const f = await file(4 * MiB);
    const reader = new EncryptingReader(f.source, f.prepared, crypto, { sealer: worker, reuseMemory: true });
    const { bytes, immediate, reads } = await readAll(reader, 16 * 1024);
    expect(Buffer.compare(bytes, f.ciphertext)).toBe(0);
    // Four batches of 16 chunks; a read waits at most where it enters a batch (one that straddles two: twice).
    expect(reads - immediate).toBeLessThanOrEqual(2 * 4);
    reader.close();
  });

  it('resumes at an offset mid-file, reads back earlier parts, and its digest still covers every chunk', async () => {
    const f = await file(3 * MiB + 12_345);
    const reader = new EncryptingReader(f.source, f.prepared, crypto, { sealer: worker, reuseMemory: true });
    // A restarted sender resumes where the receiver's checkpoint says: no chunk before it was read here.
    const from = 2 * MiB + 4321;
    const { bytes } = await readAll(reader, 16 * 1024, from);
    expect(Buffer.compare(bytes, f.ciphertext.subarray(from))).toBe(0);
    expect(await reader.digest()).toEqual(f.digest);
    // A receiver that starts over reads the first chunks again after the pipeline moved on.
    const again = await reader.read(0, 100_000);
    expect(Buffer.compare(again, f.ciphertext.subarray(0, 100_000))).toBe(0);
    const tail = await readAll(reader, 9999, f.ciphertext.length - 300_000);
    expect(Buffer.compare(tail.bytes, f.ciphertext.subarray(-300_000))).toBe(0);
    reader.close();
  });

  it('gives the digest before the last chunk was read, and goes on reading right', async () => {
    const f = await file(2 * MiB + 1);
    const reader = new EncryptingReader(f.source, f.prepared, crypto, { sealer: worker, reuseMemory: true });
    const head = (await reader.read(0, 50_000)).slice();
    expect(await reader.digest()).toEqual(f.digest);
    const { bytes } = await readAll(reader, 16 * 1024, 50_000);
    expect(Buffer.compare(head, f.ciphertext.subarray(0, 50_000))).toBe(0);
    expect(Buffer.compare(bytes, f.ciphertext.subarray(50_000))).toBe(0);
    reader.close();
  });

  it('reuses a bounded number of batch buffers for a whole file', async () => {
    const f = await file(8 * MiB);
    // Counted on this thread: an inline sealer returns each batch's own buffer, so reuse is visible.
    const seen = new Set<ArrayBuffer>();
    const inline = inlineSealer();
    const counting: AttachmentSealer = {
      seal: (batch) => {
        seen.add(batch.buffer);
        return inline.seal(batch);
      },
      close: () => inline.close(),
    };
    const reader = new EncryptingReader(f.source, f.prepared, crypto, {
      sealer: counting,
      reuseMemory: true,
    });
    const { bytes } = await readAll(reader, 16 * 1024);
    expect(Buffer.compare(bytes, f.ciphertext)).toBe(0);
    // Eight batches of 1 MiB went through at most the pipeline's 2 in use and 2 pooled.
    expect(seen.size).toBeLessThanOrEqual(4);
    expect(reader.sealerBuffers).toBe(seen.size);
    // The worker's reader is as frugal: its buffers move across threads and come back.
    const other = new EncryptingReader(f.source, f.prepared, crypto, { sealer: worker, reuseMemory: true });
    await readAll(other, 16 * 1024);
    expect(other.sealerBuffers).toBeLessThanOrEqual(4);
    other.close();
  });

  it('returns reads that stay valid when memory is not reused', async () => {
    const f = await file(2 * MiB);
    const reader = new EncryptingReader(f.source, f.prepared, crypto, { sealer: worker });
    const kept = [await reader.read(100, 1000), await reader.read(70_000, 16_384)];
    await readAll(reader, 16 * 1024);
    expect(Buffer.compare(kept[0] ?? new Uint8Array(), f.ciphertext.subarray(100, 1100))).toBe(0);
    expect(Buffer.compare(kept[1] ?? new Uint8Array(), f.ciphertext.subarray(70_000, 86_384))).toBe(0);
    reader.close();
  });

  it('fails the read that needs a batch the sealer refused, and seals it again when read again', async () => {
    const f = await file(2 * MiB);
    let failures = 1;
    const flaky: AttachmentSealer = {
      seal: (batch) => {
        if (batch.firstIndex === 16 && failures > 0) {
          failures -= 1;
          return Promise.reject(new ParleyError('INTERNAL', 'the attachment crypto worker stopped'));
        }
        return worker.seal(batch);
      },
      close: () => undefined,
    };
    const reader = new EncryptingReader(f.source, f.prepared, crypto, { sealer: flaky, reuseMemory: true });
    const boxLength = CHUNK + 16;
    // The second batch (chunks 16 to 31): the pipeline seals it ahead while the first is read.
    const inBatch2 = 21 + 16 * boxLength + 10;
    await reader.read(0, 16_384);
    await expect(Promise.resolve(reader.read(inBatch2, 100))).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('stopped'),
    });
    const retried = await reader.read(inBatch2, 100);
    expect(Buffer.compare(retried, f.ciphertext.subarray(inBatch2, inBatch2 + 100))).toBe(0);
    expect(await reader.digest()).toEqual(f.digest);
    reader.close();
  });

  it('seals a file for the relay on the worker: its hash names the ciphertext and its digest opens it', async () => {
    for (const size of [0, 3 * MiB + 17]) {
      const plaintext = nacl.randomBytes(size);
      const source = bytesSource(plaintext, 'f', 'application/octet-stream');
      const sealed = await sealFile(source, crypto, { sha256: true, sealer: worker });
      // The upload's own pass, sealed on the engine thread, must be the bytes the hash was taken over.
      const ciphertext = await new EncryptingReader(source, sealed, crypto).read(0, sealed.ciphertextSize);
      const hex = [...sha256(ciphertext)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
      expect(sealed.sha256).toBe(hex);
      const sink = new MemoryFileSink(size);
      const writer = new DecryptingWriter(sink, sealed.descriptor, crypto);
      await writer.write(0, ciphertext);
      await writer.finish(); // checks the descriptor's digest
      expect(Buffer.compare(sink.bytes, plaintext)).toBe(0);
    }
  });
});
