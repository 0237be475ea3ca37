import nacl from 'tweetnacl';
import { afterEach, describe, expect, it } from 'vitest';
import { tweetnaclBackend } from '../backend/tweetnacl.js';
import { AttachmentChunkSealer } from './encrypt.js';
import { encodeAttachmentHeader, NONCE_PREFIX_LENGTH, TAG_LENGTH } from './format.js';
import { channelSealer } from './sealer-port.js';
import { inlineSealer, sealedLength, type AttachmentSealer, type SealBatch } from './sealer.js';
import { workerCrypto, workerSealer } from './worker-opener.node.js';
import { serveAttachmentWorker, sharedCalls, type AttachmentChannel } from './worker-port.js';

const CHUNK = 64 * 1024;

/** A file of `size` random bytes with its key and nonce prefix, and the sealer the engine used until now. */
function file(size: number) {
  const key = nacl.randomBytes(32);
  const noncePrefix = nacl.randomBytes(NONCE_PREFIX_LENGTH);
  const plaintext = nacl.randomBytes(size);
  const header = encodeAttachmentHeader({ chunkSize: CHUNK, noncePrefix });
  const reference = new AttachmentChunkSealer({ key, size, chunkSize: CHUNK }, header);
  const count = Math.floor(size / CHUNK) + 1;
  /** Chunks [first, first + chunks) as AttachmentChunkSealer.seal makes them, back to back. */
  const boxes = (first: number, chunks: number) => {
    const out: number[] = [];
    for (let index = first; index < first + chunks; index += 1)
      out.push(
        ...reference.seal(index, plaintext.subarray(index * CHUNK, Math.min((index + 1) * CHUNK, size))),
      );
    return Uint8Array.from(out);
  };
  /** A batch of chunks [first, first + chunks), its plaintext in a buffer that can hold its boxes. */
  const batch = (first: number, chunks: number): SealBatch => {
    const final = first + chunks === count;
    const length = Math.min(chunks * CHUNK, size - first * CHUNK);
    const buffer = new ArrayBuffer(sealedLength(length, CHUNK, final));
    new Uint8Array(buffer).set(plaintext.subarray(first * CHUNK, first * CHUNK + length));
    return { key, noncePrefix, firstIndex: first, chunkSize: CHUNK, length, final, buffer };
  };
  return { count, boxes, batch };
}

const boxesOf = (sealed: { buffer: ArrayBuffer; length: number }) =>
  new Uint8Array(sealed.buffer, 0, sealed.length);

let sealer: AttachmentSealer | undefined;
afterEach(() => {
  sealer?.close();
  sealer = undefined;
});

describe('the worker_threads attachment sealer', () => {
  it('seals batches on another thread byte for byte as AttachmentChunkSealer does, buffers moved both ways', async () => {
    // Full chunks, a short final one, an empty final one, batches that start past chunk 0.
    const cases = [
      {
        size: 6 * CHUNK + 1234,
        batches: [
          [0, 4],
          [4, 3],
        ],
      },
      {
        size: 5 * CHUNK,
        batches: [
          [0, 2],
          [2, 4],
        ],
      }, // the final chunk is empty
      { size: 0, batches: [[0, 1]] },
      { size: CHUNK - 1, batches: [[0, 1]] },
    ] as const;
    const worker = (sealer = workerSealer());
    for (const { size, batches } of cases) {
      const f = file(size);
      const handed = batches.map(([first, chunks]) => f.batch(first, chunks));
      const buffers = handed.map((b) => b.buffer);
      const sealed = await Promise.all(handed.map((b) => worker.seal(b)));
      for (const buffer of buffers) expect(buffer.byteLength).toBe(0); // moved, not copied
      batches.forEach(([first, chunks], i) => {
        const done = sealed[i];
        expect(done).toBeDefined();
        if (done !== undefined) expect(boxesOf(done)).toEqual(f.boxes(first, chunks));
      });
    }
  });

  it('seals the same bytes on the calling thread with tweetnacl (the web client’s backend)', async () => {
    const f = file(9 * CHUNK + 7);
    const here = inlineSealer({ backend: tweetnaclBackend });
    expect(boxesOf(await here.seal(f.batch(4, 4)))).toEqual(f.boxes(4, 4));
    expect(boxesOf(await here.seal(f.batch(8, 2)))).toEqual(f.boxes(8, 2));
    here.close();
    await expect(here.seal(f.batch(0, 1))).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('refuses batches that do not add up, with a clear error, and goes on sealing', async () => {
    const f = file(3 * CHUNK + 5);
    const worker = (sealer = workerSealer());
    const good = f.batch(0, 2);
    await expect(worker.seal({ ...good, length: good.length - 1 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('only the final chunk'),
    });
    await expect(worker.seal({ ...f.batch(0, 2), firstIndex: -1 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(worker.seal({ ...f.batch(0, 2), key: new Uint8Array(31) })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('key'),
    });
    const small = f.batch(2, 2);
    await expect(
      worker.seal({ ...small, buffer: new ArrayBuffer(small.length + TAG_LENGTH) }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('cannot hold') });
    expect(boxesOf(await worker.seal(f.batch(2, 2)))).toEqual(f.boxes(2, 2));
  });

  it('once closed, still seals the batches it was handed, refuses later ones', async () => {
    const f = file(8 * CHUNK);
    const worker = workerSealer();
    const pending = [worker.seal(f.batch(0, 4)), worker.seal(f.batch(4, 5))];
    worker.close();
    worker.close();
    const [first, second] = await Promise.all(pending);
    expect(first && boxesOf(first)).toEqual(f.boxes(0, 4));
    expect(second && boxesOf(second)).toEqual(f.boxes(4, 5));
    await expect(worker.seal(f.batch(0, 1))).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('rejects every pending batch, and later ones, when its thread dies', async () => {
    const f = file(2 * CHUNK);
    let fail: (error: unknown) => void = () => undefined;
    // A thread that takes batches and never answers, then dies.
    const channel: AttachmentChannel = {
      postMessage: () => undefined,
      onMessage: () => undefined,
      onError: (listener) => {
        fail = listener;
      },
    };
    const dying = channelSealer(channel);
    const pending = [dying.seal(f.batch(0, 1)), dying.seal(f.batch(1, 2))];
    fail(new Error('out of memory'));
    for (const batch of pending)
      await expect(batch).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringContaining('stopped'),
      });
    await expect(dying.seal(f.batch(0, 1))).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('one thread serves a client’s opener and sealer: a sealed file opens there, after the sealer closed too', async () => {
    const f = file(4 * CHUNK + 3);
    const { attachmentOpener, attachmentSealer } = workerCrypto();
    expect(attachmentOpener.sharedMemory).toBe(true);
    const seal = attachmentSealer();
    const open = attachmentOpener();
    const openBatch = (sealed: { buffer: ArrayBuffer; length: number }) => ({
      ...f.batch(0, 1),
      boxLength: CHUNK + TAG_LENGTH,
      final: true,
      length: sealed.length,
      buffer: sealed.buffer,
    });
    expect((await open.open(openBatch(await seal.seal(f.batch(0, 5))))).length).toBe(4 * CHUNK + 3);
    seal.close();
    await expect(seal.seal(f.batch(0, 5))).rejects.toMatchObject({ code: 'CLOSED' });
    expect((await open.open(openBatch(await inlineSealer().seal(f.batch(0, 5))))).length).toBe(4 * CHUNK + 3);
    open.close();
  });

  it('shares one thread while any user holds it, and starts a new one after all let go', () => {
    let started = 0;
    let closed = 0;
    const lease = sharedCalls(() => {
      started += 1;
      return { call: () => Promise.reject(new Error('unused')), close: () => (closed += 1) };
    });
    const opener = lease();
    const sealer = lease();
    expect(opener.calls).toBe(sealer.calls);
    expect(started).toBe(1);
    sealer.release();
    sealer.release();
    expect(closed).toBe(0);
    opener.release();
    expect(closed).toBe(1);
    lease().release();
    expect({ started, closed }).toEqual({ started: 2, closed: 2 });
  });
});

describe('serveAttachmentWorker', () => {
  it('answers open and seal requests on one channel, each by its kind', async () => {
    const f = file(2 * CHUNK + 1);
    const replies: unknown[] = [];
    let deliver: (data: unknown) => void = () => undefined;
    serveAttachmentWorker(
      {
        postMessage: (message) => replies.push(message),
        onMessage: (listener) => {
          deliver = listener;
        },
      },
      tweetnaclBackend,
    );
    deliver({ id: 7, kind: 'seal', batch: f.batch(0, 3) });
    expect(replies[0]).toMatchObject({ id: 7, ok: true, length: 2 * CHUNK + 1 + 3 * TAG_LENGTH });
    const reply = replies[0] as { buffer: ArrayBuffer; length: number };
    expect(boxesOf(reply)).toEqual(f.boxes(0, 3));
    deliver({
      id: 8,
      kind: 'open',
      batch: {
        ...f.batch(0, 1),
        boxLength: CHUNK + TAG_LENGTH,
        final: true,
        length: reply.length,
        buffer: reply.buffer,
      },
    });
    expect(replies[1]).toMatchObject({ id: 8, ok: true, length: 2 * CHUNK + 1 });
  });
});
