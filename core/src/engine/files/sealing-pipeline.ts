import type { AttachmentSealer, TagDigest } from '../../crypto/index.js';
import { ParleyError } from '../../errors/index.js';
import type { FileSource } from './file-io.js';

const TAG_LENGTH = 16;

/** A file's key, nonce prefix and sizes, as the pipeline needs them. */
export interface PipelineFile {
  readonly key: Uint8Array;
  readonly noncePrefix: Uint8Array;
  readonly size: number;
  readonly chunkSize: number;
}

export interface SealingPipelineOptions {
  /**
   * Attachment chunks per batch handed to the sealer. Default 16 (1 MiB of a file's 64 KiB chunks): each
   * batch wakes the sealer's thread and then this one, and on a machine whose cores are busy with the
   * links, a quarter as many hand-offs as with 256 KiB batches showed in the CPU of both ends.
   */
  readonly batchChunks?: number;
  /** Batches kept at once: the one being read and those sealing ahead of it. Default 2. */
  readonly depth?: number;
}

/** A batch of consecutive chunks: being read and sealed, then sealed (`boxes`), or failed. */
interface Slot {
  readonly number: number;
  readonly first: number;
  readonly chunks: number;
  readonly done: Promise<void>;
  boxes?: Uint8Array | undefined;
  failure?: unknown;
  /** Reads moved elsewhere: its buffer goes back to the pool once the sealer returns it. */
  abandoned?: boolean;
}

/**
 * A sent file's chunks sealed by an AttachmentSealer (another thread), batch by batch, ahead of the reads:
 * EncryptingReader's path when the client has a sealer. Reads come front to back, so while the transfer
 * reads one batch the next `depth - 1` are being read from the source and sealed. Memory: at most `depth`
 * batch buffers in use and as many in the pool, `depth × batchChunks × (chunk + 16)` bytes each way, 2 MiB
 * with the defaults (4 MiB in all). A read that jumps (a resume at an offset, a re-read after a restart)
 * starts the pipeline again at its batch. Each chunk's tag goes into `digest` in chunk order: a batch sealed
 * beyond the digest's end (after a resume jumped ahead) keeps its tags aside until the chunks before it
 * are sealed too (`box` them, as EncryptingReader.digest does).
 */
export class SealingPipeline {
  readonly #batchChunks: number;
  readonly #depth: number;
  readonly #count: number;
  readonly #bufferLength: number;
  /** Consecutive batches from the one read last, in order. */
  #slots: Slot[] = [];
  /** Buffers back from the sealer, for the next batches: no fresh buffer per batch. */
  readonly #pool: ArrayBuffer[] = [];
  /** Tags of chunks sealed beyond the digest's end, by chunk index. */
  readonly #tagsAhead = new Map<number, Uint8Array>();
  /** Batch buffers made so far (tests check that the memory is bounded and reused). */
  allocated = 0;

  constructor(
    private readonly source: FileSource,
    private readonly file: PipelineFile,
    private readonly sealer: AttachmentSealer,
    private readonly digest: TagDigest,
    options: SealingPipelineOptions = {},
  ) {
    this.#batchChunks = options.batchChunks ?? 16;
    this.#depth = options.depth ?? 2;
    if (!Number.isSafeInteger(this.#batchChunks) || this.#batchChunks < 1)
      throw new ParleyError('BAD_REQUEST', 'a batch holds at least one chunk');
    if (!Number.isSafeInteger(this.#depth) || this.#depth < 1)
      throw new ParleyError('BAD_REQUEST', 'the pipeline holds at least one batch');
    this.#count = Math.floor(file.size / file.chunkSize) + 1;
    const chunks = Math.min(this.#batchChunks, this.#count);
    this.#bufferLength = Math.min(chunks * file.chunkSize, file.size) + chunks * TAG_LENGTH;
  }

  /** Chunk `index`'s box if its batch is sealed now; reads moved past the batches before it, which go. */
  boxNow(index: number): Uint8Array | undefined {
    const number = Math.floor(index / this.#batchChunks);
    const at = this.#slots.findIndex((slot) => slot.number === number);
    const slot = this.#slots[at];
    if (slot?.boxes === undefined) return undefined;
    if (at > 0) this.#advance(at);
    return this.#boxOf(slot, index);
  }

  /** Chunk `index`'s box, sealing its batch (and the next ones) first if need be. */
  async box(index: number): Promise<Uint8Array> {
    for (;;) {
      const now = this.boxNow(index);
      if (now !== undefined) return now;
      const number = Math.floor(index / this.#batchChunks);
      let slot = this.#slots.find((candidate) => candidate.number === number);
      if (slot === undefined) {
        // A jump (or the first read): start again from this batch.
        for (const old of this.#slots) this.#abandon(old);
        this.#slots = [];
        slot = this.#start(number);
        this.#slots.push(slot);
        this.#fill();
      }
      await slot.done;
      if (slot.failure !== undefined) {
        this.#slots = this.#slots.filter((other) => other !== slot);
        throw slot.failure;
      }
    }
  }

  /** Reads are done with the file: batches in flight give their buffers up, nothing is sealed after. */
  close(): void {
    for (const slot of this.#slots) this.#abandon(slot);
    this.#slots = [];
    this.#pool.length = 0;
  }

  #boxOf(slot: Slot, index: number): Uint8Array {
    const boxLength = this.file.chunkSize + TAG_LENGTH;
    const start = (index - slot.first) * boxLength;
    return (slot.boxes ?? new Uint8Array(0)).subarray(start, start + boxLength);
  }

  /** Drops the slots before `at` (their buffers back to the pool) and starts the batches after the last. */
  #advance(at: number): void {
    for (const slot of this.#slots.slice(0, at)) this.#abandon(slot);
    this.#slots = this.#slots.slice(at);
    this.#fill();
  }

  #fill(): void {
    const last = Math.floor((this.#count - 1) / this.#batchChunks);
    for (;;) {
      const tail = this.#slots.at(-1);
      if (tail === undefined || this.#slots.length >= this.#depth || tail.number >= last) return;
      this.#slots.push(this.#start(tail.number + 1));
    }
  }

  #abandon(slot: Slot): void {
    slot.abandoned = true;
    if (slot.boxes !== undefined) this.#recycle(slot.boxes.buffer as ArrayBuffer);
    slot.boxes = undefined;
  }

  #recycle(buffer: ArrayBuffer): void {
    if (this.#pool.length < this.#depth && buffer.byteLength === this.#bufferLength) this.#pool.push(buffer);
  }

  #start(number: number): Slot {
    const { chunkSize, size } = this.file;
    const first = number * this.#batchChunks;
    const chunks = Math.min(this.#batchChunks, this.#count - first);
    const slot: { -readonly [K in keyof Slot]: Slot[K] } = { number, first, chunks, done: Promise.resolve() };
    // Read through a function: `abandon` sets it while this runs (TypeScript would narrow a plain read).
    const abandoned = () => slot.abandoned === true;
    slot.done = (async () => {
      try {
        const length = Math.min(chunks * chunkSize, size - first * chunkSize);
        const plaintext = await this.source.read(first * chunkSize, length);
        if (plaintext.length !== length)
          throw new ParleyError(
            'INTERNAL',
            `file source returned ${plaintext.length} bytes, ${length} were asked for`,
          );
        if (abandoned()) return;
        const buffer = this.#pool.pop() ?? this.#allocate();
        new Uint8Array(buffer).set(plaintext);
        const sealed = await this.sealer.seal({
          key: this.file.key,
          noncePrefix: this.file.noncePrefix,
          firstIndex: first,
          chunkSize,
          length,
          final: first + chunks === this.#count,
          buffer,
        });
        const boxes = new Uint8Array(sealed.buffer, 0, sealed.length);
        this.#addTags(first, chunks, boxes);
        if (abandoned()) this.#recycle(sealed.buffer);
        else slot.boxes = boxes;
      } catch (error) {
        slot.failure = error;
      }
    })();
    return slot;
  }

  #allocate(): ArrayBuffer {
    this.allocated += 1;
    return new ArrayBuffer(this.#bufferLength);
  }

  /** The batch's tags into the digest, in chunk order (aside until the chunks before them are in). */
  #addTags(first: number, chunks: number, boxes: Uint8Array): void {
    const boxLength = this.file.chunkSize + TAG_LENGTH;
    for (let i = 0; i < chunks; i += 1) {
      const index = first + i;
      if (index < this.digest.chunks) continue;
      const box = boxes.subarray(i * boxLength, i * boxLength + TAG_LENGTH);
      if (index === this.digest.chunks) this.digest.add(box);
      else this.#tagsAhead.set(index, box.slice());
    }
    for (let next = this.#tagsAhead.get(this.digest.chunks); next !== undefined;) {
      this.#tagsAhead.delete(this.digest.chunks);
      this.digest.add(next);
      next = this.#tagsAhead.get(this.digest.chunks);
    }
  }
}
