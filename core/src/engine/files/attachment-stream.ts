import {
  ATTACHMENT_HEADER_LENGTH,
  AttachmentDecryptor,
  AttachmentEncryptor,
  DEFAULT_CHUNK_SIZE,
  encryptAttachmentChunk,
  type AttachmentDescriptor,
  type CryptoOptions,
} from '../../crypto/index.js';
import { ParleyError } from '../../errors/index.js';
import type { FileSink, FileSource } from './file-io.js';
import { sha256 } from '@noble/hashes/sha2.js';

const TAG_LENGTH = 16;

/** A file encrypted as an attachment, without its ciphertext: what a second pass needs to produce it again. */
export interface SealedFile {
  readonly descriptor: AttachmentDescriptor;
  readonly header: Uint8Array;
  /** Bytes of header ‖ every encrypted chunk. */
  readonly ciphertextSize: number;
  /** Hex SHA-256 of the whole ciphertext (the relay's name for an upload), when asked for. */
  readonly sha256?: string;
}

export function ciphertextSize(size: number, chunkSize: number): number {
  return ATTACHMENT_HEADER_LENGTH + size + (Math.floor(size / chunkSize) + 1) * TAG_LENGTH;
}

/**
 * The first pass over a file to send: encrypts it chunk by chunk and keeps only the digest (and, for the
 * relay, an incremental SHA-256 of the ciphertext), since the message announcing the file must carry the
 * digest before its first byte leaves. Memory: one chunk.
 */
export async function sealFile(
  source: FileSource,
  crypto: CryptoOptions & { randomBytes: (length: number) => Uint8Array },
  options: { sha256?: boolean } = {},
): Promise<SealedFile> {
  const chunkSize = DEFAULT_CHUNK_SIZE;
  const encryptor = new AttachmentEncryptor({
    ...crypto,
    chunkSize,
    key: crypto.randomBytes(32),
    noncePrefix: crypto.randomBytes(16),
  });
  const hash = options.sha256 === true ? sha256.create().update(encryptor.header) : undefined;
  for (let offset = 0; offset < source.size; offset += chunkSize) {
    const plaintext = await readExactly(source, offset, Math.min(chunkSize, source.size - offset));
    for (const box of encryptor.push(plaintext)) hash?.update(box);
  }
  const { chunk, descriptor } = encryptor.finish();
  hash?.update(chunk);
  return {
    descriptor,
    header: encryptor.header,
    ciphertextSize: ciphertextSize(source.size, chunkSize),
    ...(hash === undefined ? {} : { sha256: hex(hash.digest()) }),
  };
}

/**
 * The ciphertext of a sealed file as a random-access source: each read encrypts the chunks it covers from
 * the plaintext source, keeping only the last one (reads come front to back, in pieces smaller than a chunk).
 */
export class EncryptingReader {
  readonly size: number;
  readonly #boxLength: number;
  #cached: { index: number; box: Uint8Array } | undefined;

  constructor(
    private readonly source: FileSource,
    private readonly sealed: SealedFile,
    private readonly crypto: CryptoOptions,
  ) {
    this.size = sealed.ciphertextSize;
    this.#boxLength = sealed.descriptor.chunkSize + TAG_LENGTH;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || offset + length > this.size)
      throw new ParleyError('BAD_REQUEST', 'read beyond the ciphertext');
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const position = offset + filled;
      let piece: Uint8Array;
      if (position < ATTACHMENT_HEADER_LENGTH) {
        piece = this.sealed.header.subarray(position, position + length - filled);
      } else {
        const index = Math.floor((position - ATTACHMENT_HEADER_LENGTH) / this.#boxLength);
        const within = position - ATTACHMENT_HEADER_LENGTH - index * this.#boxLength;
        const box = await this.#box(index);
        piece = box.subarray(within, within + length - filled);
      }
      out.set(piece, filled);
      filled += piece.length;
    }
    return out;
  }

  async #box(index: number): Promise<Uint8Array> {
    if (this.#cached?.index === index) return this.#cached.box;
    const { chunkSize, size } = this.sealed.descriptor;
    const start = index * chunkSize;
    const plaintext = await readExactly(this.source, start, Math.min(chunkSize, size - start));
    const box = encryptAttachmentChunk(
      this.sealed.descriptor,
      this.sealed.header,
      index,
      plaintext,
      this.crypto,
    );
    this.#cached = { index, box };
    return box;
  }
}

/**
 * Takes the ciphertext front to back in pieces of any size, decrypts each chunk as soon as it is complete
 * and writes its plaintext to the sink; `finish` opens the last chunk and checks the size and the digest.
 */
export class DecryptingWriter {
  readonly #decryptor: AttachmentDecryptor;
  #received = 0;
  #written = 0;

  constructor(
    private readonly sink: FileSink,
    descriptor: AttachmentDescriptor,
    crypto: CryptoOptions,
  ) {
    this.#decryptor = new AttachmentDecryptor(descriptor, crypto);
  }

  /** Ciphertext bytes taken so far. */
  get received(): number {
    return this.#received;
  }

  async write(offset: number, bytes: Uint8Array): Promise<void> {
    if (offset !== this.#received)
      throw new ParleyError('BAD_REQUEST', `ciphertext write at ${offset}, expected ${this.#received}`);
    this.#received += bytes.length;
    for (const plaintext of this.#decryptor.push(bytes)) await this.#out(plaintext);
  }

  async finish(): Promise<void> {
    await this.#out(this.#decryptor.finish());
    await this.sink.finish();
  }

  async #out(plaintext: Uint8Array): Promise<void> {
    if (plaintext.length === 0) return;
    await this.sink.write(this.#written, plaintext);
    this.#written += plaintext.length;
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
