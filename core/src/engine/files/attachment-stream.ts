import {
  ATTACHMENT_HEADER_LENGTH,
  AttachmentChunkSealer,
  AttachmentEncryptor,
  DEFAULT_CHUNK_SIZE,
  NONCE_PREFIX_LENGTH,
  TagDigest,
  encodeAttachmentHeader,
  type AttachmentDescriptor,
  type AttachmentKeys,
  type AttachmentSealer,
  type CryptoOptions,
} from '../../crypto/index.js';
import { resolveOptions } from '../../crypto/options.js';
import { ParleyError } from '../../errors/index.js';
import type { FileSource } from './file-io.js';
import { SealingPipeline, type SealingPipelineOptions } from './sealing-pipeline.js';
import { sha256 } from '@noble/hashes/sha2.js';

export { DecryptingWriter, type ReceivingWriter } from './decrypting-writer.js';

const TAG_LENGTH = 16;

type RandomCrypto = CryptoOptions & { randomBytes: (length: number) => Uint8Array };

/** A file about to be encrypted as an attachment: its key, header and size, before any byte was read. */
export interface PreparedFile {
  readonly keys: AttachmentKeys;
  readonly header: Uint8Array;
  /** Bytes of header ‖ every encrypted chunk. */
  readonly ciphertextSize: number;
}

/** A prepared file after a full pass: its digest (for the descriptor), and the relay's SHA-256 if asked. */
export interface SealedFile extends PreparedFile {
  readonly descriptor: AttachmentDescriptor;
  /** Hex SHA-256 of the whole ciphertext (the relay's name for an upload), when asked for. */
  readonly sha256?: string;
}

export function ciphertextSize(size: number, chunkSize: number): number {
  return ATTACHMENT_HEADER_LENGTH + size + (Math.floor(size / chunkSize) + 1) * TAG_LENGTH;
}

/** Draws the key and nonce prefix for `size` bytes; reads nothing. */
export function prepareFile(
  size: number,
  crypto: RandomCrypto,
  chunkSize = DEFAULT_CHUNK_SIZE,
): PreparedFile {
  return {
    keys: { key: crypto.randomBytes(32), size, chunkSize },
    header: encodeAttachmentHeader({ chunkSize, noncePrefix: crypto.randomBytes(NONCE_PREFIX_LENGTH) }),
    ciphertextSize: ciphertextSize(size, chunkSize),
  };
}

/**
 * A full pass over a file, for the relay: its content address (SHA-256 of the ciphertext) and the
 * descriptor's digest are needed before the upload starts and the message announcing it is sent. A direct
 * transfer skips this pass: it encrypts once, as it sends, and the digest trails the file. Memory: one chunk.
 */
export async function sealFile(
  source: FileSource,
  crypto: RandomCrypto,
  options: { sha256?: boolean; sealer?: AttachmentSealer } = {},
): Promise<SealedFile> {
  const prepared = prepareFile(source.size, crypto);
  const { keys } = prepared;
  if (options.sealer !== undefined) return sealThrough(source, prepared, crypto, options.sealer, options);
  const encryptor = new AttachmentEncryptor({
    ...crypto,
    chunkSize: keys.chunkSize,
    key: keys.key,
    noncePrefix: prepared.header.subarray(5),
  });
  const hash = options.sha256 === true ? sha256.create().update(encryptor.header) : undefined;
  for (let offset = 0; offset < source.size; offset += keys.chunkSize) {
    const plaintext = await readExactly(source, offset, Math.min(keys.chunkSize, source.size - offset));
    for (const box of encryptor.push(plaintext)) hash?.update(box);
  }
  const { chunk, descriptor } = encryptor.finish();
  hash?.update(chunk);
  return { ...prepared, descriptor, ...(hash === undefined ? {} : { sha256: hex(hash.digest()) }) };
}

/** sealFile's pass with the chunks sealed by `sealer` (another thread), read a box at a time. */
async function sealThrough(
  source: FileSource,
  prepared: PreparedFile,
  crypto: RandomCrypto,
  sealer: AttachmentSealer,
  options: { sha256?: boolean },
): Promise<SealedFile> {
  const reader = new EncryptingReader(source, prepared, crypto, { sealer, reuseMemory: true });
  try {
    const hash = options.sha256 === true ? sha256.create() : undefined;
    const boxLength = prepared.keys.chunkSize + TAG_LENGTH;
    for (let offset = 0; offset < reader.size;) {
      const length = offset === 0 ? ATTACHMENT_HEADER_LENGTH : Math.min(boxLength, reader.size - offset);
      const read = reader.read(offset, length);
      hash?.update(read instanceof Uint8Array ? read : await read);
      offset += length;
    }
    const descriptor = { ...prepared.keys, digest: await reader.digest() };
    return { ...prepared, descriptor, ...(hash === undefined ? {} : { sha256: hex(hash.digest()) }) };
  } finally {
    reader.close();
  }
}

export interface EncryptingReaderOptions {
  /**
   * Encrypt every chunk into the same memory instead of a fresh box per chunk. A read's bytes are then valid
   * only until the next `read` or `digest` call (later chunks overwrite them): for a caller that uses or
   * copies them first, as TransferSender does (it copies each chunk into its link frame before it reads on).
   */
  readonly reuseMemory?: boolean;
  /**
   * Seal the chunks there (another thread: the client's `attachmentSealer`) in batches, ahead of the reads
   * (SealingPipeline: up to 2 MiB of batches in flight and as much pooled). The bytes are the same.
   */
  readonly sealer?: AttachmentSealer;
  /** The pipeline's batch size and depth (tests). */
  readonly pipeline?: SealingPipelineOptions;
}

/**
 * The ciphertext of a prepared file as a random-access source: each read encrypts the chunks it covers from
 * the plaintext source, keeping the last one and reading the next one's plaintext ahead (reads come front to
 * back, in pieces smaller than a chunk). The first time each chunk is encrypted its tag goes into the
 * digest, so `digest()` is ready once the last chunk was read, without a second pass. With a `sealer`, the
 * chunks are sealed by it in batches ahead of the reads instead (SealingPipeline); reads then return
 * copies unless `reuseMemory` said a view valid until the next read will do.
 */
export class EncryptingReader {
  readonly size: number;
  readonly #boxLength: number;
  readonly #count: number;
  readonly #digest: TagDigest;
  readonly #crypto: CryptoOptions;
  readonly #sealer: AttachmentChunkSealer;
  /** Where every chunk is encrypted to, with `reuseMemory`; otherwise each chunk gets a fresh box. */
  readonly #memory: Uint8Array | undefined;
  /** With a `sealer`: the batches it seals ahead of the reads. */
  readonly #pipeline: SealingPipeline | undefined;
  /** Reads of a pipeline's batch are copied (see the constructor). */
  readonly #copies: boolean;
  /** The chunk encrypted last, and its box (-1: none). */
  #cachedIndex = -1;
  #cachedBox: Uint8Array = new Uint8Array(0);
  /** With `reuseMemory`: the memory reads across a chunk boundary are joined in (see #joinedMemory). */
  #joined: Uint8Array = new Uint8Array(0);
  /** The next chunk's plaintext, being read; `bytes` once it is in, so that chunk encrypts without a wait. */
  #ahead: { index: number; plaintext: Promise<Uint8Array>; bytes?: Uint8Array } | undefined;

  constructor(
    private readonly source: FileSource,
    private readonly file: PreparedFile,
    crypto: CryptoOptions,
    options: EncryptingReaderOptions = {},
  ) {
    if (source.size !== file.keys.size) throw new ParleyError('BAD_REQUEST', 'source size changed');
    this.size = file.ciphertextSize;
    this.#boxLength = file.keys.chunkSize + TAG_LENGTH;
    this.#count = Math.floor(file.keys.size / file.keys.chunkSize) + 1;
    this.#digest = new TagDigest(file.header);
    this.#crypto = crypto;
    this.#sealer = new AttachmentChunkSealer(file.keys, file.header, crypto);
    this.#memory =
      options.reuseMemory === true
        ? new Uint8Array(Math.min(this.#boxLength, file.keys.size + TAG_LENGTH))
        : undefined;
    this.#pipeline =
      options.sealer === undefined
        ? undefined
        : new SealingPipeline(
            source,
            {
              ...file.keys,
              noncePrefix: file.header.subarray(ATTACHMENT_HEADER_LENGTH - NONCE_PREFIX_LENGTH),
            },
            options.sealer,
            this.#digest,
            options.pipeline,
          );
    // A view of a pipeline's batch lasts until its buffer is recycled: only `reuseMemory` readers take one.
    this.#copies = this.#pipeline !== undefined && this.#memory === undefined;
  }

  /** Batch buffers the sealing pipeline made so far (tests: its memory is bounded and reused). */
  get sealerBuffers(): number {
    return this.#pipeline?.allocated ?? 0;
  }

  /** Stops sealing ahead (the transfer ended): batches in flight are dropped when they come back. */
  close(): void {
    this.#pipeline?.close();
  }

  /**
   * `length` bytes of ciphertext at `offset`. Returned as they are (no promise) when every chunk they cover
   * is encrypted already or its plaintext was read ahead: most reads of a transfer, which comes front to back.
   * A read inside one chunk is a view of its box (with `reuseMemory`, valid until the next read).
   */
  read(offset: number, length: number): Promise<Uint8Array> | Uint8Array {
    if (offset < 0 || length < 0 || offset + length > this.size)
      return Promise.reject(new ParleyError('BAD_REQUEST', 'read beyond the ciphertext'));
    return this.#readNow(offset, length) ?? this.#readLater(offset, length);
  }

  /** The attachment digest: every chunk's tag, encrypting any chunk never read (e.g. before a restart). */
  async digest(): Promise<Uint8Array> {
    while (this.#digest.chunks < this.#count) await this.#box(this.#digest.chunks);
    return this.#digest.finish(resolveOptions(this.#crypto).backend);
  }

  /** The read, if it needs no wait; undefined otherwise. */
  #readNow(offset: number, length: number): Uint8Array | undefined {
    let out: Uint8Array | undefined;
    let filled = 0;
    while (filled < length) {
      const piece = this.#pieceNow(offset + filled, length - filled);
      if (piece === undefined) return undefined;
      // A read inside one chunk is a view of it; only a read across a boundary is copied.
      if (filled === 0 && piece.length === length) return this.#copies ? piece.slice() : piece;
      out ??= this.#joinedMemory(length);
      out.set(piece, filled);
      filled += piece.length;
    }
    return out ?? new Uint8Array(0);
  }

  /**
   * Where a read across a chunk boundary is put together: with `reuseMemory` the same memory each time (its
   * length stays the same from read to read: a transfer reads equal pieces), otherwise a fresh array.
   */
  #joinedMemory(length: number): Uint8Array {
    if (this.#memory === undefined) return new Uint8Array(length);
    if (this.#joined.byteLength !== length) this.#joined = new Uint8Array(length);
    return this.#joined;
  }

  async #readLater(offset: number, length: number): Promise<Uint8Array> {
    const out = this.#joinedMemory(length);
    let filled = 0;
    while (filled < length) {
      const position = offset + filled;
      if (position >= ATTACHMENT_HEADER_LENGTH) await this.#box(this.#indexAt(position));
      const piece = this.#pieceNow(position, length - filled);
      if (piece === undefined) continue; // the chunk in cache moved on meanwhile: encrypt it again
      out.set(piece, filled);
      filled += piece.length;
    }
    return out;
  }

  #indexAt(position: number): number {
    return Math.floor((position - ATTACHMENT_HEADER_LENGTH) / this.#boxLength);
  }

  /** The ciphertext from `position` on (at most `length` bytes) to the end of its chunk, if at hand now. */
  #pieceNow(position: number, length: number): Uint8Array | undefined {
    if (position < ATTACHMENT_HEADER_LENGTH) return this.file.header.subarray(position, position + length);
    const index = this.#indexAt(position);
    const box = this.#boxNow(index);
    if (box === undefined) return undefined;
    const within = position - ATTACHMENT_HEADER_LENGTH - index * this.#boxLength;
    return box.subarray(within, within + length);
  }

  /** Chunk `index` encrypted, if that needs no wait: it is the cached one, or the next with its plaintext in. */
  #boxNow(index: number): Uint8Array | undefined {
    if (this.#pipeline !== undefined) return this.#pipeline.boxNow(index);
    if (this.#cachedIndex === index) return this.#cachedBox;
    const ahead = this.#ahead;
    if (ahead?.index !== index || ahead.bytes === undefined || this.#digest.chunks < index) return undefined;
    this.#ahead = undefined;
    return this.#encrypt(index, ahead.bytes);
  }

  async #box(index: number): Promise<Uint8Array> {
    if (this.#pipeline !== undefined) return this.#pipeline.box(index);
    if (this.#cachedIndex === index) return this.#cachedBox;
    // Tags go into the digest in order: a read that skips ahead (a resume after a restart) encrypts the
    // chunks in between first.
    while (this.#digest.chunks < index) await this.#box(this.#digest.chunks);
    return this.#encrypt(index, await this.#plaintext(index));
  }

  /** Encrypts chunk `index` (its tag into the digest the first time), reading the next one's plaintext ahead. */
  #encrypt(index: number, plaintext: Uint8Array): Uint8Array {
    if (index + 1 < this.#count && this.#ahead?.index !== index + 1) {
      const next = index + 1;
      const ahead: { index: number; plaintext: Promise<Uint8Array>; bytes?: Uint8Array } = {
        index: next,
        plaintext: this.#readChunk(next),
      };
      ahead.plaintext.then(
        (bytes) => {
          ahead.bytes = bytes;
        },
        () => undefined, // a failed read-ahead fails the read that needs it
      );
      this.#ahead = ahead;
    }
    const box = this.#sealer.seal(index, plaintext, this.#memory);
    if (index === this.#digest.chunks) this.#digest.add(box);
    this.#cachedIndex = index;
    this.#cachedBox = box;
    return box;
  }

  #plaintext(index: number): Promise<Uint8Array> {
    const ahead = this.#ahead;
    if (ahead?.index !== index) return this.#readChunk(index);
    this.#ahead = undefined;
    return ahead.plaintext;
  }

  #readChunk(index: number): Promise<Uint8Array> {
    const { chunkSize, size } = this.file.keys;
    const start = index * chunkSize;
    return readExactly(this.source, start, Math.min(chunkSize, size - start));
  }
}

async function readExactly(source: FileSource, offset: number, length: number): Promise<Uint8Array> {
  const bytes = await source.read(offset, length);
  if (bytes.length !== length)
    throw new ParleyError('INTERNAL', `file source returned ${bytes.length} bytes, ${length} were asked for`);
  return bytes;
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
