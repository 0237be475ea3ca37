import { ParleyError } from '../../errors/index.js';
import { resolveOptions, type CryptoContext, type CryptoOptions } from '../options.js';
import { TagDigest } from './digest.js';
import {
  DEFAULT_CHUNK_SIZE,
  NONCE_PREFIX_LENGTH,
  checkChunkSize,
  encodeAttachmentHeader,
  parseAttachmentHeader,
  TAG_LENGTH,
  writeChunkNonce,
  type AttachmentDescriptor,
} from './format.js';

export interface AttachmentEncryptOptions extends CryptoOptions {
  chunkSize?: number;
  /** Fixed key and nonce prefix, to encrypt the same file again identically (a second streaming pass). */
  key?: Uint8Array;
  noncePrefix?: Uint8Array;
}

/**
 * Encrypts a file of any length in constant memory: feed it pieces of any size with `push`, upload what it
 * returns, then upload what `finish` returns. The blob is header ‖ chunk₀ ‖ … ‖ chunkₙ where every chunk
 * but the last holds exactly `chunkSize` bytes of plaintext and the last holds fewer (possibly none).
 */
export class AttachmentEncryptor {
  readonly header: Uint8Array;
  private readonly context: CryptoContext;
  private readonly key: Uint8Array;
  private readonly chunkSize: number;
  private readonly nonce = new Uint8Array(24);
  private readonly buffer: Uint8Array;
  private readonly digest: TagDigest;
  private buffered = 0;
  private index = 0;
  private size = 0;
  private finished = false;

  constructor(options: AttachmentEncryptOptions = {}) {
    this.context = resolveOptions(options);
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    checkChunkSize(this.chunkSize);
    this.key = options.key ?? this.context.randomBytes(32);
    const noncePrefix = options.noncePrefix ?? this.context.randomBytes(NONCE_PREFIX_LENGTH);
    if (this.key.length !== 32 || noncePrefix.length !== NONCE_PREFIX_LENGTH)
      throw new ParleyError('INVALID_KEY', 'bad attachment key or nonce prefix');
    this.nonce.set(noncePrefix);
    this.header = encodeAttachmentHeader({ chunkSize: this.chunkSize, noncePrefix });
    this.buffer = new Uint8Array(this.chunkSize);
    this.digest = new TagDigest(this.header);
  }

  /** Returns the encrypted chunks completed by `data` (often none). */
  push(data: Uint8Array): Uint8Array[] {
    if (this.finished) throw new ParleyError('CLOSED', 'attachment encryptor already finished');
    const out: Uint8Array[] = [];
    let offset = 0;
    this.size += data.length;
    if (this.buffered > 0) {
      const take = Math.min(this.chunkSize - this.buffered, data.length);
      this.buffer.set(data.subarray(0, take), this.buffered);
      this.buffered += take;
      offset = take;
      if (this.buffered < this.chunkSize) return out;
      out.push(this.seal(this.buffer, false));
      this.buffered = 0;
    }
    // Whole chunks straight from the caller's bytes: no copy on the common aligned path.
    while (data.length - offset >= this.chunkSize) {
      out.push(this.seal(data.subarray(offset, offset + this.chunkSize), false));
      offset += this.chunkSize;
    }
    if (offset < data.length) {
      this.buffer.set(data.subarray(offset), 0);
      this.buffered = data.length - offset;
    }
    return out;
  }

  /** The final (short, possibly empty) chunk and the descriptor to send inside the ratchet message. */
  finish(): { chunk: Uint8Array; descriptor: AttachmentDescriptor } {
    if (this.finished) throw new ParleyError('CLOSED', 'attachment encryptor already finished');
    const chunk = this.seal(this.buffer.subarray(0, this.buffered), true);
    this.finished = true;
    this.buffer.fill(0);
    return {
      chunk,
      descriptor: {
        key: this.key,
        digest: this.digest.finish(this.context.backend),
        size: this.size,
        chunkSize: this.chunkSize,
      },
    };
  }

  private seal(plaintext: Uint8Array, final: boolean): Uint8Array {
    writeChunkNonce(this.nonce, this.index++, final);
    const box = this.context.backend.secretbox(plaintext, this.nonce, this.key);
    this.digest.add(box);
    return box;
  }
}

/**
 * Encrypts chunk `index` on its own (the counterpart of decryptAttachmentChunk), so a sender can produce any
 * part of the blob again, e.g. when a transfer resumes, given the key and the header of an earlier encryptor.
 */
export function encryptAttachmentChunk(
  file: { readonly key: Uint8Array; readonly size: number; readonly chunkSize: number },
  header: Uint8Array,
  index: number,
  plaintext: Uint8Array,
  options?: CryptoOptions,
): Uint8Array {
  return new AttachmentChunkSealer(file, header, options).seal(index, plaintext);
}

/**
 * encryptAttachmentChunk for one attachment, set up once (header parsed, nonce and backend at hand): a
 * sender that encrypts its file chunk by chunk keeps one, and may encrypt every chunk into the same memory.
 */
export class AttachmentChunkSealer {
  readonly #key: Uint8Array;
  readonly #size: number;
  readonly #chunkSize: number;
  readonly #count: number;
  readonly #nonce = new Uint8Array(24);
  readonly #backend: CryptoContext['backend'];

  constructor(
    file: { readonly key: Uint8Array; readonly size: number; readonly chunkSize: number },
    header: Uint8Array,
    options?: CryptoOptions,
  ) {
    const { noncePrefix } = parseAttachmentHeader(header, file.chunkSize);
    this.#key = file.key;
    this.#size = file.size;
    this.#chunkSize = file.chunkSize;
    this.#count = Math.floor(file.size / file.chunkSize) + 1;
    this.#nonce.set(noncePrefix);
    this.#backend = resolveOptions(options).backend;
  }

  /**
   * Chunk `index`'s box (tag ‖ ciphertext). With `out` (at least `plaintext.length + 16` bytes) the box is
   * written there and a view of it returned: whatever `out` held before is overwritten.
   */
  seal(index: number, plaintext: Uint8Array, out?: Uint8Array): Uint8Array {
    if (!Number.isInteger(index) || index < 0 || index >= this.#count)
      throw new ParleyError('BAD_REQUEST', `chunk index ${index} is outside the file`);
    const final = index === this.#count - 1;
    const expected = final ? this.#size % this.#chunkSize : this.#chunkSize;
    if (plaintext.length !== expected)
      throw new ParleyError('BAD_REQUEST', `chunk ${index} needs ${expected} bytes of plaintext`);
    writeChunkNonce(this.#nonce, index, final);
    if (out === undefined) return this.#backend.secretbox(plaintext, this.#nonce, this.#key);
    const box = out.length === expected + TAG_LENGTH ? out : out.subarray(0, expected + TAG_LENGTH);
    this.#backend.secretboxInto(box, plaintext, this.#nonce, this.#key);
    return box;
  }
}

/**
 * Streams `source` through an encryptor. `chunks` yields the blob front to back (header first);
 * `descriptor` resolves once the last chunk has been yielded.
 */
export function encryptAttachmentStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: AttachmentEncryptOptions = {},
): { chunks: AsyncIterable<Uint8Array>; descriptor: Promise<AttachmentDescriptor> } {
  let resolve: (descriptor: AttachmentDescriptor) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const descriptor = new Promise<AttachmentDescriptor>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      const encryptor = new AttachmentEncryptor(options);
      yield encryptor.header;
      for await (const piece of source) yield* encryptor.push(piece);
      const last = encryptor.finish();
      yield last.chunk;
      resolve(last.descriptor);
    } catch (error) {
      reject(error);
      throw error;
    }
  }
  return { chunks: chunks(), descriptor };
}
