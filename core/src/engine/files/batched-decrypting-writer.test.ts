import nacl from 'tweetnacl';
import { afterEach, describe, expect, it } from 'vitest';
import { inlineOpener, type AttachmentOpener, type OpenBatch, type OpenedBatch } from '../../crypto/index.js';
import { workerOpener } from '../../crypto/attachment/worker-opener.node.js';
import { DecryptingWriter, EncryptingReader, sealFile } from './attachment-stream.js';
import { BatchedDecryptingWriter } from './batched-decrypting-writer.js';
import { MemoryFileSink, bytesSource, type FileSink } from './file-io.js';

const crypto = { randomBytes: (length: number) => nacl.randomBytes(length) };
const CHUNK = 64 * 1024;

async function sealed(size: number) {
  const plaintext = nacl.randomBytes(size);
  const source = bytesSource(plaintext, 'f', 'application/octet-stream');
  const file = await sealFile(source, crypto);
  const ciphertext = await new EncryptingReader(source, file, crypto).read(0, file.ciphertextSize);
  return { plaintext, descriptor: file.descriptor, ciphertext };
}

/** Feeds `ciphertext` in transfer-sized pieces, waiting whenever the writer asks to. */
async function feed(
  writer: { write(offset: number, bytes: Uint8Array): Promise<void> | undefined },
  ciphertext: Uint8Array,
  from = 0,
  piece = 16_310,
): Promise<void> {
  for (let offset = from; offset < ciphertext.length; offset += piece) {
    const pending = writer.write(offset, ciphertext.subarray(offset, offset + piece));
    if (pending !== undefined) await pending;
  }
}

/** An opener that holds every batch until `release()`: what a worker busy with other files looks like. */
function heldOpener(): AttachmentOpener & { held: number; release(): void } {
  const inner = inlineOpener();
  const waiting: Array<() => void> = [];
  return {
    get held() {
      return waiting.length;
    },
    release() {
      for (const go of waiting.splice(0)) go();
    },
    open(batch: OpenBatch): Promise<OpenedBatch> {
      return new Promise<void>((resolve) => waiting.push(resolve)).then(() => inner.open(batch));
    },
    close: () => inner.close(),
  };
}

/**
 * A 12-chunk file whose chunk 5 was altered on the way, fed through the worker in batches of two into a
 * sink of unshared or shared memory: the file must fail with DECRYPT_FAILED.
 */
async function refusedChunk5(shared: boolean) {
  const { descriptor, ciphertext, plaintext } = await sealed(12 * CHUNK);
  const tampered = ciphertext.slice();
  const at = 21 + 5 * (CHUNK + 16) + 100; // inside chunk 5
  tampered[at] = (tampered[at] ?? 0) ^ 1;
  opener = workerOpener();
  const sink = new MemoryFileSink(plaintext.length, { shared });
  const writer = new BatchedDecryptingWriter(sink, descriptor, crypto, opener, undefined, { boxes: 2 });
  const fed = feed(writer, tampered).then(
    () => writer.finish(),
    (error: unknown) => Promise.reject(error),
  );
  await expect(fed).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
  return { writer, sink };
}

let opener: AttachmentOpener | undefined;
afterEach(() => {
  opener?.close();
  opener = undefined;
});

describe('BatchedDecryptingWriter', () => {
  it('decrypts a file through a worker thread into the sink, byte for byte', async () => {
    for (const size of [0, 1, CHUNK, 9 * CHUNK + 777]) {
      const { plaintext, descriptor, ciphertext } = await sealed(size);
      opener ??= workerOpener();
      const sink = new MemoryFileSink(size);
      const writer = new BatchedDecryptingWriter(sink, descriptor, crypto, opener);
      await feed(writer, ciphertext);
      await writer.finish();
      expect(sink.bytes).toEqual(plaintext);
      expect(writer.chunks).toBe(Math.floor(size / CHUNK) + 1);
    }
  });

  it('refuses a tampered chunk through the worker: the file fails and none of that chunk reaches the sink', async () => {
    const { writer, sink } = await refusedChunk5(false);
    // Chunks 0..3 (the batches before the bad one) may be in; chunk 4's batch, 5's and anything later not.
    expect(writer.chunks).toBeLessThanOrEqual(4);
    expect(sink.bytes.subarray(4 * CHUNK).every((byte) => byte === 0)).toBe(true);
  });

  it('hands a sink that is not shared memory the plaintext of each batch in one write', async () => {
    opener ??= workerOpener();
    const { plaintext, descriptor, ciphertext } = await sealed(9 * CHUNK + 777);
    const sink = new MemoryFileSink(plaintext.length);
    const writes: [number, number][] = [];
    // A sink that takes the bytes handed over, as a file on disk does.
    const counting: FileSink = {
      write: (offset, bytes) => {
        writes.push([offset, bytes.length]);
        return sink.write(offset, bytes);
      },
      finish: () => sink.finish(),
      abort: () => sink.abort(),
    };
    const writer = new BatchedDecryptingWriter(counting, descriptor, crypto, opener, undefined, { boxes: 4 });
    await feed(writer, ciphertext);
    await writer.finish();
    expect(sink.bytes).toEqual(plaintext);
    // Ten chunks in batches of four: two whole batches and the last two chunks, a write each.
    expect(writes).toEqual([
      [0, 4 * CHUNK],
      [4 * CHUNK, 4 * CHUNK],
      [8 * CHUNK, CHUNK + 777],
    ]);
  });

  it('decrypts through the worker straight into a sink of shared memory, byte for byte', async () => {
    opener ??= workerOpener();
    const worker = opener;
    let into = 0;
    const counting: AttachmentOpener = {
      sharedMemory: true,
      open: (batch) => {
        if (batch.into !== undefined) into += 1;
        return worker.open(batch);
      },
      close: () => undefined,
    };
    for (const size of [0, 1, CHUNK, 9 * CHUNK + 777]) {
      const { plaintext, descriptor, ciphertext } = await sealed(size);
      const sink = new MemoryFileSink(size, { shared: true });
      // Batches of four chunks, so a file of ten is three batches.
      const writer = new BatchedDecryptingWriter(sink, descriptor, crypto, counting, undefined, {
        boxes: 4,
      });
      await feed(writer, ciphertext);
      await writer.finish();
      expect(sink.bytes).toEqual(plaintext);
      expect(sink.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(writer.chunks).toBe(Math.floor(size / CHUNK) + 1);
    }
    // Every batch went into the sink's memory: one each for the first three sizes, three of four chunks.
    expect(into).toBe(1 + 1 + 1 + 3);
  });

  it('refuses a tampered chunk decrypted into shared memory: the file fails, none of that chunk is in the sink', async () => {
    const { writer, sink } = await refusedChunk5(true);
    // Chunk 4 (authentic, same batch) may be in the sink's memory, and batches after the bad one that the
    // worker already had; not one byte of chunk 5. The file counts no chunk from the bad batch on.
    expect(writer.chunks).toBeLessThanOrEqual(4);
    expect(sink.bytes.subarray(5 * CHUNK, 6 * CHUNK).every((byte) => byte === 0)).toBe(true);
  });

  it('fails the file when an opener says it shares memory but leaves the plaintext out of the sink', async () => {
    const { descriptor, ciphertext, plaintext } = await sealed(5 * CHUNK);
    const inline = inlineOpener();
    // Opens every batch, but in its own buffer: the shared sink would keep zeros where the file goes.
    const elsewhere: AttachmentOpener = {
      sharedMemory: true,
      open: ({ into: _ignored, ...batch }) => inline.open(batch),
      close: () => inline.close(),
    };
    const sink = new MemoryFileSink(plaintext.length, { shared: true });
    const writer = new BatchedDecryptingWriter(sink, descriptor, crypto, elsewhere);
    const fed = feed(writer, ciphertext).then(() => writer.finish());
    await expect(fed).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(writer.chunks).toBe(0);
  });

  it('makes the caller wait once the batches in flight reach their bound, so memory stays bounded', async () => {
    const { descriptor, ciphertext, plaintext } = await sealed(20 * CHUNK + 3);
    const held = heldOpener();
    const sink = new MemoryFileSink(plaintext.length);
    const writer = new BatchedDecryptingWriter(sink, descriptor, crypto, held, undefined, {
      boxes: 2,
      inFlight: 3,
    });
    // Writes return nothing (no wait) until three batches of two chunks are out, then a promise.
    let offset = 0;
    let pending: Promise<void> | undefined;
    while (pending === undefined) {
      pending = writer.write(offset, ciphertext.subarray(offset, offset + 1000));
      offset += 1000;
    }
    expect(held.held).toBe(3);
    expect(offset).toBeLessThanOrEqual(21 + 3 * 2 * (CHUNK + 16) + 1000);
    expect(writer.chunks).toBe(0);
    let waited = false;
    const waiting = pending.then(() => {
      waited = true;
    });
    await Promise.resolve();
    expect(waited).toBe(false);
    held.release();
    await waiting;
    expect(writer.chunks).toBeGreaterThanOrEqual(2);
    // The rest goes through with the opener answering as it is asked; the bound holds all the way.
    let done = false;
    const rest = feed(writer, ciphertext, offset, 1000)
      .then(() => writer.finish())
      .finally(() => {
        done = true;
      });
    while (!done) {
      expect(held.held).toBeLessThanOrEqual(3);
      held.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await rest;
    expect(sink.bytes).toEqual(plaintext);
  });

  it('checkpoints only chunks in the sink, and a writer resumed from it finishes the file', async () => {
    const { descriptor, ciphertext, plaintext } = await sealed(10 * CHUNK + 5);
    opener = workerOpener();
    const sink = new MemoryFileSink(plaintext.length);
    const first = new BatchedDecryptingWriter(sink, descriptor, crypto, opener, undefined, { boxes: 3 });
    // Half the ciphertext, then the app stops: what is checkpointed is what the sink holds.
    await feed(first, ciphertext.subarray(0, ciphertext.length >> 1));
    // About five chunks came: one batch of three went out (the next is being filled); wait until it is in.
    await expect.poll(() => first.chunks, { timeout: 30_000 }).toBe(3);
    const checkpoint = first.checkpoint();
    expect(checkpoint?.index).toBe(first.chunks);
    // The same checkpoint resumes the thread-local writer and the batched one alike.
    if (checkpoint === undefined) throw new Error('no checkpoint');
    const again = new BatchedDecryptingWriter(sink, descriptor, crypto, opener, checkpoint);
    const from = 21 + checkpoint.index * (CHUNK + 16);
    // The transfer restarts a little before the checkpoint: the writer skips what it already has.
    await feed(again, ciphertext, Math.max(0, from - 5000));
    await again.finish();
    expect(sink.bytes).toEqual(plaintext);
    const local = new DecryptingWriter(new MemoryFileSink(plaintext.length), descriptor, crypto, checkpoint);
    await feed(local, ciphertext, from);
    await local.finish();
  });
});
