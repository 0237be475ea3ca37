import {
  ATTACHMENT_HEADER_LENGTH,
  TagDigest,
  attachmentOffset,
  openAttachmentDigest,
  type AttachmentCheckpoint,
  type AttachmentKeys,
  type AttachmentOpener,
  type CryptoOptions,
} from '../../crypto/index.js';
import { parseAttachmentHeader } from '../../crypto/attachment/format.js';
import { resolveOptions } from '../../crypto/options.js';
import { equalBytes } from '../../crypto/bytes.js';
import { ParleyError } from '../../errors/index.js';
import { ciphertextSize, type ReceivingWriter } from './attachment-stream.js';
import type { FileSink } from './file-io.js';

const TAG_LENGTH = 16;

export interface BatchOptions {
  /**
   * Full attachment chunks (64 KiB each) per batch handed to the opener. Default 16 (1 MiB): every batch
   * wakes the opener's thread and then this one, and where the links keep the cores busy, a quarter as
   * many hand-offs as with 256 KiB batches cut the receiving process's CPU per 16 MiB by ~20 ms
   * (docs/performance.md).
   */
  readonly boxes?: number;
  /** Batches handed over and not yet in the sink before `write` makes its caller wait. Default 2. */
  readonly inFlight?: number;
}

/** A batch handed to the opener: where its plaintext goes and the tags its boxes carried, for the digest. */
interface Dispatched {
  readonly done: Promise<void>;
}

/**
 * DecryptingWriter's counterpart for an AttachmentOpener on another thread. Ciphertext is cut into whole
 * chunks (the descriptor's size says where each ends), gathered into batches and handed to the opener;
 * this thread only copies bytes into the batch and, as each batch comes back in order, writes its plaintext
 * to the sink and adds its tags to the digest. `write` returns at once while fewer than `inFlight` batches
 * are out, and a promise that waits for the oldest otherwise: with the transfer's window that bounds the
 * memory a file in flight takes (window + (inFlight + 1) batches). A chunk that does not authenticate fails
 * the next `write` or `finish`; none of its plaintext reaches the sink, and nothing after it does either.
 * When the sink's memory is shared with the opener's thread (MemoryFileSink `shared`, an opener that says
 * `sharedMemory`), the opener decrypts straight into it and only the batch's buffer comes back: nothing is
 * copied here. A chunk lands there only once it authenticated, so only authentic plaintext ever does, but
 * batches the opener already had when one failed may land theirs; the file fails all the same.
 */
export class BatchedDecryptingWriter implements ReceivingWriter {
  readonly #boxLength: number;
  readonly #batchBytes: number;
  readonly #maxInFlight: number;
  readonly #total: number;
  readonly #resumed: boolean;
  /** Ciphertext taken so far (header included). */
  #received = 0;
  #header: Uint8Array = new Uint8Array(ATTACHMENT_HEADER_LENGTH);
  #noncePrefix: Uint8Array | undefined;
  /** Tags of the chunks whose plaintext is in the sink: the checkpoint, and the digest at the end. */
  #digest: TagDigest | undefined;
  /** The batch being filled: its buffer, bytes in it, and the index of its first chunk. */
  #batch: ArrayBuffer | undefined;
  #fill = 0;
  #firstIndex = 0;
  readonly #free: ArrayBuffer[] = [];
  readonly #inFlight: Dispatched[] = [];
  /** The sink's writes, one after another in chunk order. */
  #tail: Promise<void> = Promise.resolve();
  #failure: unknown;
  #finished = false;

  constructor(
    private readonly sink: FileSink,
    private readonly keys: AttachmentKeys & { readonly digest?: Uint8Array },
    private readonly crypto: CryptoOptions,
    private readonly opener: AttachmentOpener,
    resume?: AttachmentCheckpoint,
    options: BatchOptions = {},
  ) {
    this.#boxLength = keys.chunkSize + TAG_LENGTH;
    this.#batchBytes = Math.max(1, options.boxes ?? 16) * this.#boxLength;
    this.#maxInFlight = Math.max(1, options.inFlight ?? 2);
    this.#total = ciphertextSize(keys.size, keys.chunkSize);
    this.#resumed = resume !== undefined;
    if (resume !== undefined) {
      const { header, index, tags } = resume;
      if (!Number.isSafeInteger(index) || index < 0 || tags.length !== index * TAG_LENGTH)
        throw new ParleyError('BAD_REQUEST', 'attachment checkpoint does not add up');
      if (index * keys.chunkSize > keys.size)
        throw new ParleyError('BAD_REQUEST', 'attachment checkpoint is beyond the attachment');
      this.#startWith(header.slice());
      this.#digest = TagDigest.resume(header.slice(), tags);
      this.#firstIndex = index;
      this.#received = attachmentOffset(resume, keys.chunkSize);
    }
  }

  /** The most ciphertext this writer holds at once: the batches out and the one being filled. */
  get capacity(): number {
    return (this.#maxInFlight + 1) * this.#batchBytes;
  }

  /** Attachment chunks whose plaintext is in the sink. */
  get chunks(): number {
    return this.#digest?.chunks ?? 0;
  }

  /** Ciphertext bytes taken so far (some of them may still be on their way to the sink). */
  get received(): number {
    return this.#received;
  }

  /** What a writer into the same sink needs to go on after a restart: the chunks in the sink so far. */
  checkpoint(): AttachmentCheckpoint | undefined {
    const digest = this.#digest;
    if (digest === undefined) return undefined;
    return { header: digest.header.slice(), index: digest.chunks, tags: digest.tagBytes };
  }

  /** Takes the next ciphertext bytes; a promise only when the caller should wait (or they failed). */
  write(offset: number, bytes: Uint8Array): Promise<void> | undefined {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    try {
      this.#take(offset, bytes);
    } catch (error) {
      this.#failure ??= error;
      return Promise.reject(error);
    }
    const oldest = this.#inFlight[0];
    if (this.#inFlight.length < this.#maxInFlight || oldest === undefined) return undefined;
    return oldest.done.then(() => {
      if (this.#failure !== undefined) throw this.#failure;
    });
  }

  /** Opens what is left, the final chunk with it, then checks the size and the digest. */
  async finish(sealedDigest?: Uint8Array): Promise<void> {
    if (this.#finished) throw new ParleyError('CLOSED', 'attachment writer already finished');
    this.#finished = true;
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#received < this.#total || this.#noncePrefix === undefined)
      throw new ParleyError('TRUNCATED', 'attachment ends before its last chunk');
    this.#dispatch(true);
    await this.#tail;
    if (this.#failure !== undefined) throw this.#failure;
    let digest = this.keys.digest;
    if (digest === undefined) {
      if (sealedDigest === undefined)
        throw new ParleyError('TRUNCATED', 'the attachment ended without its digest');
      digest = openAttachmentDigest(this.keys, this.#header, sealedDigest, this.crypto);
    }
    const mine = this.#digest;
    if (mine === undefined || !equalBytes(mine.finish(resolveOptions(this.crypto).backend), digest))
      throw new ParleyError('DECRYPT_FAILED', 'attachment digest does not match');
    await this.sink.finish();
  }

  #startWith(header: Uint8Array): void {
    this.#header = header;
    this.#noncePrefix = parseAttachmentHeader(header, this.keys.chunkSize).noncePrefix;
    this.#digest ??= new TagDigest(header);
  }

  #take(offset: number, bytes: Uint8Array): void {
    if (this.#finished) throw new ParleyError('CLOSED', 'attachment writer already finished');
    // After a resume the transfer restarts at a chunk boundary of its own, before ours: the ciphertext is
    // the same (same key and nonces), so what was already taken is skipped.
    if (this.#resumed && offset < this.#received) {
      if (offset + bytes.length <= this.#received) return;
      bytes = bytes.subarray(this.#received - offset);
      offset = this.#received;
    }
    if (offset !== this.#received)
      throw new ParleyError('BAD_REQUEST', `ciphertext write at ${offset}, expected ${this.#received}`);
    if (this.#received + bytes.length > this.#total)
      throw new ParleyError('DECRYPT_FAILED', 'attachment is longer than announced');
    let at = 0;
    if (this.#received < ATTACHMENT_HEADER_LENGTH) {
      at = Math.min(ATTACHMENT_HEADER_LENGTH - this.#received, bytes.length);
      this.#header.set(bytes.subarray(0, at), this.#received);
      this.#received += at;
      if (this.#received < ATTACHMENT_HEADER_LENGTH) return;
      this.#startWith(this.#header);
    }
    while (at < bytes.length) {
      this.#batch ??= this.#free.pop() ?? new ArrayBuffer(this.#batchBytes);
      const take = Math.min(this.#batchBytes - this.#fill, bytes.length - at);
      new Uint8Array(this.#batch, this.#fill, take).set(bytes.subarray(at, at + take));
      this.#fill += take;
      this.#received += take;
      at += take;
      // A full batch holds only full chunks; the final chunk, always shorter, waits for finish().
      if (this.#fill === this.#batchBytes && this.#received < this.#total) this.#dispatch(false);
    }
  }

  /** Hands the batch being filled to the opener and queues writing its plaintext after the ones before. */
  #dispatch(final: boolean): void {
    const buffer = this.#batch;
    const noncePrefix = this.#noncePrefix;
    if (buffer === undefined || noncePrefix === undefined || this.#fill === 0) return;
    const length = this.#fill;
    const boxes = Math.ceil(length / this.#boxLength);
    const firstIndex = this.#firstIndex;
    const { chunkSize } = this.keys;
    // The tags go into the digest once the chunks are in the sink; the buffer itself moves to the opener.
    const tags = new Uint8Array(boxes * TAG_LENGTH);
    const all = new Uint8Array(buffer, 0, length);
    for (let box = 0; box < boxes; box += 1)
      tags.set(all.subarray(box * this.#boxLength, box * this.#boxLength + TAG_LENGTH), box * TAG_LENGTH);
    this.#batch = undefined;
    this.#fill = 0;
    this.#firstIndex += boxes;
    const plaintext = length - boxes * TAG_LENGTH;
    const region = this.#sharedRegion(firstIndex * chunkSize, plaintext);
    const opened = this.opener.open({
      key: this.keys.key,
      noncePrefix,
      firstIndex,
      boxLength: this.#boxLength,
      length,
      final,
      buffer,
      ...(region === undefined
        ? {}
        : { into: { buffer: region.buffer as SharedArrayBuffer, offset: region.byteOffset } }),
    });
    opened.catch(() => undefined); // handled below, in order
    const entry: Dispatched = {
      done: (this.#tail = this.#tail.then(async () => {
        if (this.#failure !== undefined) return;
        try {
          const back = await opened;
          let bytes: Uint8Array;
          if (region !== undefined) {
            // Already in the sink's memory: the sink is told, in one write that copies nothing.
            // An opener that said it shares memory but put the plaintext elsewhere would leave zeros here.
            if (back.into !== true || back.length !== region.length)
              throw new ParleyError('INTERNAL', 'the opener did not open the batch into the sink');
            bytes = region;
          } else {
            // The whole batch's plaintext in one write: a file on disk takes it in one system call on
            // the thread pool instead of one per chunk, each with its own round trip and promise.
            if (back.length !== plaintext)
              throw new ParleyError('INTERNAL', 'the opener handed back a batch of the wrong length');
            bytes = new Uint8Array(back.buffer, 0, back.length);
          }
          if (bytes.length > 0) await this.sink.write(firstIndex * chunkSize, bytes);
          for (let box = 0; box < boxes; box += 1)
            this.#digest?.add(tags.subarray(box * TAG_LENGTH, (box + 1) * TAG_LENGTH));
          if (back.buffer.byteLength === this.#batchBytes) this.#free.push(back.buffer);
        } catch (error) {
          this.#failure ??= error;
        } finally {
          this.#inFlight.shift();
        }
      })),
    };
    this.#inFlight.push(entry);
  }

  /**
   * The sink's own bytes for a batch's plaintext, when they are shared memory the opener's thread can
   * write into (the opener then checks each chunk before any of its plaintext lands there).
   */
  #sharedRegion(offset: number, length: number): Uint8Array | undefined {
    if (this.opener.sharedMemory !== true || typeof SharedArrayBuffer !== 'function') return undefined;
    const region = this.sink.region?.(offset, length);
    return region?.buffer instanceof SharedArrayBuffer ? region : undefined;
  }
}
