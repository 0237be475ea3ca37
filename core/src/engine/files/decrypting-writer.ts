import {
  AttachmentDecryptor,
  attachmentOffset,
  openAttachmentDigest,
  type AttachmentCheckpoint,
  type AttachmentKeys,
  type CryptoOptions,
  type PlaintextTarget,
} from '../../crypto/index.js';
import { ParleyError } from '../../errors/index.js';
import type { FileSink } from './file-io.js';

/**
 * Where a received file's ciphertext goes, front to back: decrypted into the platform's sink, on this
 * thread (DecryptingWriter) or through an AttachmentOpener on another (BatchedDecryptingWriter).
 */
export interface ReceivingWriter {
  /** Takes the next ciphertext bytes; a promise when the caller should wait for it (or it failed). */
  write(offset: number, bytes: Uint8Array): Promise<void> | undefined;
  /** Every byte was given: opens the rest and checks the size and the digest (`sealedDigest` if it trails). */
  finish(sealedDigest?: Uint8Array): Promise<void>;
  /** Attachment chunks whose plaintext is in the sink. */
  readonly chunks: number;
  /** What a writer into the same sink needs to continue after a restart. */
  checkpoint(): AttachmentCheckpoint | undefined;
  /**
   * Ciphertext it may hold taken and not yet in the sink (0: it writes as it takes): what a file in flight
   * takes beyond the transfer's window, whose acks count only chunks in the sink.
   */
  readonly capacity?: number;
}

/**
 * Takes the ciphertext front to back in pieces of any size, decrypts each chunk as soon as it is complete
 * and writes its plaintext to the sink; `finish` opens the last chunk and checks the size and the digest.
 */
export class DecryptingWriter implements ReceivingWriter {
  readonly #decryptor: AttachmentDecryptor;
  /** The sink's own memory, when it offers it: plaintext is decrypted in place, never copied. */
  readonly #into: PlaintextTarget | undefined;
  #received = 0;
  #written = 0;
  readonly #resumed: boolean;

  constructor(
    private readonly sink: FileSink,
    private readonly keys: AttachmentKeys & { readonly digest?: Uint8Array },
    private readonly crypto: CryptoOptions,
    /** A `checkpoint()` of an earlier writer of this file into the same sink (an app restart). */
    resume?: AttachmentCheckpoint,
  ) {
    this.#decryptor = new AttachmentDecryptor(keys, crypto, resume);
    this.#into = sink.region === undefined ? undefined : (offset, length) => sink.region?.(offset, length);
    this.#resumed = resume !== undefined;
    if (resume !== undefined) {
      this.#received = attachmentOffset(resume, keys.chunkSize);
      this.#written = resume.index * keys.chunkSize;
    }
  }

  /**
   * What to keep so that a writer into the same sink can continue after a restart: the chunks written so
   * far. Ciphertext from `attachmentOffset(checkpoint)` must be fed to it again.
   */
  checkpoint(): AttachmentCheckpoint | undefined {
    return this.#decryptor.checkpoint();
  }

  /** Attachment chunks written so far: `checkpoint().index`, without building (copying) the checkpoint. */
  get chunks(): number {
    return this.#decryptor.chunks;
  }

  /** Ciphertext bytes taken so far. */
  get received(): number {
    return this.#received;
  }

  /**
   * Takes the next ciphertext bytes. Returns a promise only when they completed a chunk whose plaintext went
   * to the sink; most transfer chunks (a quarter of an attachment chunk) need no await at all.
   */
  write(offset: number, bytes: Uint8Array): Promise<void> | undefined {
    let plaintexts: Uint8Array[];
    try {
      plaintexts = this.#take(offset, bytes);
    } catch (error) {
      return Promise.reject(error); // a bad or tampered chunk fails the write, as an async write would
    }
    return plaintexts.length === 0 ? undefined : this.#outAll(plaintexts);
  }

  #take(offset: number, bytes: Uint8Array): Uint8Array[] {
    // After a resume the transfer restarts at a chunk boundary of its own, before ours: the ciphertext
    // is the same (same key and nonces), so what was already taken is skipped.
    if (offset < this.#received && offset + bytes.length > this.#received && this.#resumed) {
      bytes = bytes.subarray(this.#received - offset);
      offset = this.#received;
    } else if (offset + bytes.length <= this.#received && this.#resumed) return [];
    if (offset !== this.#received)
      throw new ParleyError('BAD_REQUEST', `ciphertext write at ${offset}, expected ${this.#received}`);
    this.#received += bytes.length;
    return this.#decryptor.push(bytes, this.#into);
  }

  /** `sealedDigest`: the trailing digest (sealAttachmentDigest), when the descriptor came without one. */
  async finish(sealedDigest?: Uint8Array): Promise<void> {
    let digest = this.keys.digest;
    if (digest === undefined) {
      const header = this.#decryptor.header;
      if (sealedDigest === undefined || header === undefined)
        throw new ParleyError('TRUNCATED', 'the attachment ended without its digest');
      digest = openAttachmentDigest(this.keys, header, sealedDigest, this.crypto);
    }
    await this.#out(this.#decryptor.finish(digest, this.#into));
    await this.sink.finish();
  }

  async #outAll(plaintexts: readonly Uint8Array[]): Promise<void> {
    for (const plaintext of plaintexts) await this.#out(plaintext);
  }

  async #out(plaintext: Uint8Array): Promise<void> {
    if (plaintext.length === 0) return;
    await this.sink.write(this.#written, plaintext);
    this.#written += plaintext.length;
  }
}
