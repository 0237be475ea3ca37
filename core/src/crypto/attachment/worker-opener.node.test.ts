import nacl from 'tweetnacl';
import { afterEach, describe, expect, it } from 'vitest';
import { AttachmentEncryptor } from './encrypt.js';
import { ATTACHMENT_HEADER_LENGTH, NONCE_PREFIX_LENGTH, TAG_LENGTH } from './format.js';
import { inlineOpener, type AttachmentOpener, type OpenBatch } from './opener.js';
import { workerOpener } from './worker-opener.node.js';

const CHUNK = 64 * 1024;
const BOX = CHUNK + TAG_LENGTH;

/** A file of `size` bytes encrypted as an attachment, and its boxes (the ciphertext after the header). */
function encrypted(size: number) {
  const key = nacl.randomBytes(32);
  const noncePrefix = nacl.randomBytes(NONCE_PREFIX_LENGTH);
  const plaintext = nacl.randomBytes(size);
  const encryptor = new AttachmentEncryptor({ chunkSize: CHUNK, key, noncePrefix });
  const pieces = [...encryptor.push(plaintext), encryptor.finish().chunk];
  const boxes = new Uint8Array(pieces.reduce((n, piece) => n + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    boxes.set(piece, at);
    at += piece.length;
  }
  expect(encryptor.header.length).toBe(ATTACHMENT_HEADER_LENGTH);
  return { key, noncePrefix, plaintext, boxes };
}

/** Boxes [first, first + count) of `boxes` as a batch in a buffer of its own. */
function batch(file: ReturnType<typeof encrypted>, first: number, count: number, final = false): OpenBatch {
  const bytes = file.boxes.slice(first * BOX, Math.min((first + count) * BOX, file.boxes.length));
  return {
    key: file.key,
    noncePrefix: file.noncePrefix,
    firstIndex: first,
    boxLength: BOX,
    length: bytes.length,
    final,
    buffer: bytes.buffer,
  };
}

const plaintextOf = (opened: { buffer: ArrayBuffer; length: number }) =>
  new Uint8Array(opened.buffer, 0, opened.length);

let opener: AttachmentOpener | undefined;
afterEach(() => {
  opener?.close();
  opener = undefined;
});

describe('the worker_threads attachment opener', () => {
  it('opens batches on another thread, in order, into the same plaintext as opening them here', async () => {
    const file = encrypted(5 * CHUNK + 1234);
    const worker = (opener = workerOpener());
    const batches = [batch(file, 0, 2), batch(file, 2, 2), batch(file, 4, 2, true)];
    const handed = batches.map((b) => b.buffer);
    // All three are out at once: the worker answers each, in the order given.
    const opened = await Promise.all(batches.map((b) => worker.open(b)));
    // The buffers moved to the worker (nothing was copied on this thread) and came back with the plaintext.
    for (const buffer of handed) expect(buffer.byteLength).toBe(0);
    const whole = new Uint8Array(file.plaintext.length);
    let at = 0;
    for (const piece of opened.map(plaintextOf)) {
      whole.set(piece, at);
      at += piece.length;
    }
    expect(at).toBe(file.plaintext.length);
    expect(whole).toEqual(file.plaintext);
    const here = await inlineOpener().open(batch(file, 4, 2, true));
    expect(plaintextOf(here)).toEqual(plaintextOf(opened[2] ?? here));
  });

  it('refuses a tampered chunk, naming it, and goes on opening the next batches', async () => {
    const file = encrypted(4 * CHUNK + 10);
    const worker = (opener = workerOpener());
    const tampered = batch(file, 1, 2);
    const bytes = new Uint8Array(tampered.buffer);
    bytes[BOX + 500] = (bytes[BOX + 500] ?? 0) ^ 1; // inside chunk 2
    await expect(worker.open(tampered)).rejects.toMatchObject({
      code: 'DECRYPT_FAILED',
      message: expect.stringContaining('chunk 2'),
    });
    // A chunk presented under another index (moved) does not open either.
    await expect(worker.open({ ...batch(file, 0, 1), firstIndex: 3 })).rejects.toMatchObject({
      code: 'DECRYPT_FAILED',
    });
    // Nor does a non-final chunk passed off as the last one.
    await expect(worker.open(batch(file, 3, 1, true))).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    const good = await worker.open(batch(file, 3, 2, true));
    expect(plaintextOf(good)).toEqual(file.plaintext.subarray(3 * CHUNK));
  });

  it('opens batches straight into shared memory, where a chunk lands only once it authenticates', async () => {
    const file = encrypted(6 * CHUNK + 99);
    const worker = (opener = workerOpener());
    expect(worker.sharedMemory).toBe(true);
    const sink = new Uint8Array(new SharedArrayBuffer(file.plaintext.length));
    const into = (first: number) => ({ buffer: sink.buffer as SharedArrayBuffer, offset: first * CHUNK });
    // Chunks 0..2 go in; chunk 4 of the batch [3, 4, 5] was altered on the way.
    const first = batch(file, 0, 3);
    const opened = await worker.open({ ...first, into: into(0) });
    expect(opened.length).toBe(3 * CHUNK);
    expect(sink.subarray(0, 3 * CHUNK)).toEqual(file.plaintext.subarray(0, 3 * CHUNK));
    const tampered = batch(file, 3, 3);
    const bytes = new Uint8Array(tampered.buffer);
    bytes[BOX + 700] = (bytes[BOX + 700] ?? 0) ^ 1; // inside chunk 4
    await expect(worker.open({ ...tampered, into: into(3) })).rejects.toMatchObject({
      code: 'DECRYPT_FAILED',
      message: expect.stringContaining('chunk 4'),
    });
    // Chunk 3 authenticated and is in; not one byte of chunk 4 (nor of 5, never reached) is.
    expect(sink.subarray(3 * CHUNK, 4 * CHUNK)).toEqual(file.plaintext.subarray(3 * CHUNK, 4 * CHUNK));
    expect(sink.subarray(4 * CHUNK).every((byte) => byte === 0)).toBe(true);
    // The rest, the final chunk with it, opens into place.
    const rest = await worker.open({ ...batch(file, 4, 3, true), into: into(4) });
    expect(rest.length).toBe(2 * CHUNK + 99);
    expect(sink).toEqual(file.plaintext);
  });

  it('refuses to open into shared memory too small for the batch, writing nothing there', async () => {
    const file = encrypted(3 * CHUNK);
    const worker = (opener = workerOpener());
    const sink = new Uint8Array(new SharedArrayBuffer(2 * CHUNK));
    const request = { ...batch(file, 0, 2), into: { buffer: sink.buffer as SharedArrayBuffer, offset: 1 } };
    await expect(worker.open(request)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(sink.every((byte) => byte === 0)).toBe(true);
  });

  it('refuses a batch cut in the middle of a chunk', async () => {
    const file = encrypted(3 * CHUNK);
    const worker = (opener = workerOpener());
    const whole = batch(file, 0, 2);
    await expect(worker.open({ ...whole, length: whole.length - 1 })).rejects.toMatchObject({
      code: 'TRUNCATED',
    });
  });

  it('once closed, still opens the batches it was handed, refuses later ones, then stops its thread', async () => {
    const file = encrypted(8 * CHUNK + 1);
    const worker = workerOpener();
    const pending = worker.open(batch(file, 0, 8));
    worker.close();
    worker.close();
    expect(plaintextOf(await pending)).toEqual(file.plaintext.subarray(0, 8 * CHUNK));
    await expect(worker.open(batch(file, 0, 1))).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
