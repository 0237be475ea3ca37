import { ParleyError } from '../../errors/index.js';
import { equalBytes } from '../bytes.js';
import { resolveOptions, type CryptoContext, type CryptoOptions } from '../options.js';
import { TagDigest } from './digest.js';
import {
  ATTACHMENT_HEADER_LENGTH,
  TAG_LENGTH,
  chunkCount,
  parseAttachmentHeader,
  writeChunkNonce,
  type AttachmentDescriptor,
  type AttachmentKeys,
} from './format.js';

/**
 * Where a decryptor may put a chunk's plaintext: a view of exactly `length` bytes at plaintext offset
 * `offset` in memory the caller owns (a received file's buffer), or undefined for a fresh array.
 */
export type PlaintextTarget = (offset: number, length: number) => Uint8Array | undefined;

function openChunk(
  context: CryptoContext,
  descriptor: AttachmentKeys,
  nonce: Uint8Array,
  index: number,
  box: Uint8Array,
  final: boolean,
  into?: Uint8Array,
): Uint8Array {
  writeChunkNonce(nonce, index, final);
  const plaintext =
    into === undefined
      ? context.backend.secretboxOpen(box, nonce, descriptor.key)
      : context.backend.secretboxOpenInto(into, box, nonce, descriptor.key) && into;
  if (!plaintext) {
    throw new ParleyError(
      'DECRYPT_FAILED',
      `attachment chunk ${index} does not authenticate (tampered or moved)`,
    );
  }
  return plaintext;
}

/**
 * Decrypts and verifies one chunk on its own, in any order (for seeking or parallel download). `header` is
 * the blob's first ATTACHMENT_HEADER_LENGTH bytes; the descriptor's size tells which chunk is the last.
 */
export function decryptAttachmentChunk(
  descriptor: AttachmentDescriptor,
  header: Uint8Array,
  index: number,
  box: Uint8Array,
  options?: CryptoOptions,
): Uint8Array {
  const parsed = parseAttachmentHeader(header, descriptor.chunkSize);
  const count = chunkCount(descriptor);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new ParleyError('BAD_REQUEST', `chunk index ${index} is outside the file`);
  }
  const final = index === count - 1;
  const expected = (final ? descriptor.size % descriptor.chunkSize : descriptor.chunkSize) + TAG_LENGTH;
  if (box.length !== expected) throw new ParleyError('TRUNCATED', `chunk ${index} has the wrong length`);
  const nonce = new Uint8Array(24);
  nonce.set(parsed.noncePrefix);
  return openChunk(resolveOptions(options), descriptor, nonce, index, box, final);
}

/** How far an AttachmentDecryptor got: `index` chunks opened, with their tags for the digest. */
export interface AttachmentCheckpoint {
  readonly header: Uint8Array;
  readonly index: number;
  readonly tags: Uint8Array;
}

/** The ciphertext offset a decryptor resumed from `checkpoint` expects next. */
export function attachmentOffset(checkpoint: AttachmentCheckpoint, chunkSize: number): number {
  return ATTACHMENT_HEADER_LENGTH + checkpoint.index * (chunkSize + TAG_LENGTH);
}

/**
 * Decrypts a blob fed in pieces of any size. Every chunk is authenticated before its plaintext is returned;
 * `finish` fails with TRUNCATED if the final chunk never came, and checks the digest and the size. The
 * digest is the descriptor's, or, when it trails the file, the one `finish` is given.
 */
export class AttachmentDecryptor {
  private readonly context: CryptoContext;
  private readonly boxLength: number;
  private readonly nonce = new Uint8Array(24);
  private buffer: Uint8Array;
  private buffered = 0;
  private digest: TagDigest | undefined;
  private index = 0;
  private size = 0;
  private finished = false;

  constructor(
    private readonly descriptor: AttachmentKeys & { readonly digest?: Uint8Array },
    options?: CryptoOptions,
    /** Where an earlier decryptor of the same blob stood (its `checkpoint`), to continue after a restart. */
    resume?: AttachmentCheckpoint,
  ) {
    this.context = resolveOptions(options);
    this.boxLength = descriptor.chunkSize + TAG_LENGTH;
    this.buffer = new Uint8Array(this.boxLength);
    if (resume !== undefined) {
      const { header, index, tags } = resume;
      if (!Number.isSafeInteger(index) || index < 0 || tags.length !== index * TAG_LENGTH)
        throw new ParleyError('BAD_REQUEST', 'attachment checkpoint does not add up');
      if (index * descriptor.chunkSize > descriptor.size)
        throw new ParleyError('BAD_REQUEST', 'attachment checkpoint is beyond the attachment');
      this.nonce.set(parseAttachmentHeader(header, descriptor.chunkSize).noncePrefix);
      this.digest = TagDigest.resume(header.slice(), tags);
      this.index = index;
      this.size = index * descriptor.chunkSize;
    }
  }

  /**
   * What to keep to continue after a restart: the chunks opened so far (their plaintext was handed out).
   * A decryptor resumed from it expects the ciphertext from `attachmentOffset(checkpoint)`; bytes buffered
   * beyond that are not in the checkpoint and must be fed again.
   */
  checkpoint(): AttachmentCheckpoint | undefined {
    if (this.digest === undefined) return undefined;
    return { header: this.digest.header.slice(), index: this.index, tags: this.digest.tagBytes };
  }

  /** Chunks opened so far; `checkpoint().index` without building the checkpoint. */
  get chunks(): number {
    return this.index;
  }

  /**
   * Takes the next ciphertext bytes; returns the plaintext of every chunk they complete (but the last one,
   * see `finish`), each authenticated. With `into`, each plaintext goes where it says.
   */
  push(data: Uint8Array, into?: PlaintextTarget): Uint8Array[] {
    if (this.finished) throw new ParleyError('CLOSED', 'attachment decryptor already finished');
    const out: Uint8Array[] = [];
    let offset = 0;
    if (!this.digest) {
      const take = Math.min(ATTACHMENT_HEADER_LENGTH - this.buffered, data.length);
      this.buffer.set(data.subarray(0, take), this.buffered);
      this.buffered += take;
      offset = take;
      if (this.buffered < ATTACHMENT_HEADER_LENGTH) return out;
      const header = this.buffer.slice(0, ATTACHMENT_HEADER_LENGTH);
      this.nonce.set(parseAttachmentHeader(header, this.descriptor.chunkSize).noncePrefix);
      this.digest = new TagDigest(header);
      this.buffered = 0;
    }
    // A full-length box is never the last one (the last holds less than chunkSize bytes of plaintext),
    // but it is only opened once a byte beyond it shows that more follows or finish() says it ended.
    while (offset < data.length) {
      if (this.buffered === this.boxLength) {
        out.push(this.open(this.buffer, false, into));
        this.buffered = 0;
      }
      if (this.buffered === 0 && data.length - offset > this.boxLength) {
        out.push(this.open(data.subarray(offset, offset + this.boxLength), false, into));
        offset += this.boxLength;
        continue;
      }
      const take = Math.min(this.boxLength - this.buffered, data.length - offset);
      this.buffer.set(data.subarray(offset, offset + take), this.buffered);
      this.buffered += take;
      offset += take;
    }
    return out;
  }

  /** The blob's header (nonce prefix and chunk size), once its first bytes came. */
  get header(): Uint8Array | undefined {
    return this.digest?.header;
  }

  /** The plaintext of the final chunk. `digest`: the trailing digest, when the descriptor has none. */
  finish(digest: Uint8Array | undefined = this.descriptor.digest, into?: PlaintextTarget): Uint8Array {
    if (this.finished) throw new ParleyError('CLOSED', 'attachment decryptor already finished');
    this.finished = true;
    if (digest === undefined) throw new ParleyError('BAD_REQUEST', 'no attachment digest to check');
    if (!this.digest || this.buffered < TAG_LENGTH)
      throw new ParleyError('TRUNCATED', 'attachment ends before its last chunk');
    if (this.buffered === this.boxLength) {
      throw new ParleyError('TRUNCATED', 'attachment ends after a full chunk: its last chunk is missing');
    }
    const last = this.open(this.buffer.subarray(0, this.buffered), true, into);
    if (this.size !== this.descriptor.size)
      throw new ParleyError('TRUNCATED', 'attachment size does not match');
    if (!equalBytes(this.digest.finish(this.context.backend), digest)) {
      throw new ParleyError('DECRYPT_FAILED', 'attachment digest does not match');
    }
    return last;
  }

  private open(box: Uint8Array, final: boolean, into: PlaintextTarget | undefined): Uint8Array {
    if (!final && (this.index + 1) * this.descriptor.chunkSize > this.descriptor.size) {
      throw new ParleyError('DECRYPT_FAILED', 'attachment is longer than announced');
    }
    const length = box.length - TAG_LENGTH;
    // Only a chunk that fits the announced size goes into the caller's memory; the size check below
    // catches a final chunk that does not.
    const target =
      into !== undefined && length >= 0 && this.size + length <= this.descriptor.size
        ? into(this.size, length)
        : undefined;
    const plaintext = openChunk(this.context, this.descriptor, this.nonce, this.index, box, final, target);
    this.digest?.add(box);
    this.index++;
    this.size += plaintext.length;
    return plaintext;
  }
}

/** Decrypts a streamed blob; throws (TRUNCATED, DECRYPT_FAILED) before the stream ends if anything is wrong. */
export async function* decryptAttachmentStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  descriptor: AttachmentDescriptor,
  options?: CryptoOptions,
): AsyncGenerator<Uint8Array> {
  const decryptor = new AttachmentDecryptor(descriptor, options);
  for await (const piece of source) yield* decryptor.push(piece);
  yield decryptor.finish();
}
