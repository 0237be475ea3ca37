import { ParleyError } from '../../errors/index.js';
import { resolveOptions, type CryptoOptions } from '../options.js';
import type { CryptoBackend } from '../backend/backend.js';
import { NONCE_PREFIX_LENGTH, TAG_LENGTH, writeChunkNonce } from './format.js';

/**
 * Consecutive attachment chunks to encrypt: their plaintext back to back from the start of `buffer`, every
 * chunk `chunkSize` bytes but the attachment's final one, which may be shorter (or empty). The buffer must
 * hold the boxes too (`sealedLength(length, chunkSize, final)` bytes): they are written over the plaintext.
 * It is handed over (transferred to a worker) and comes back sealed: the caller keeps no view of it.
 */
export interface SealBatch {
  readonly key: Uint8Array;
  readonly noncePrefix: Uint8Array;
  /** The attachment chunk index of the first chunk. */
  readonly firstIndex: number;
  readonly chunkSize: number;
  /** Bytes of plaintext in `buffer`, from its start. */
  readonly length: number;
  /** The batch's last chunk is the attachment's final one (its nonce says so; it may be short or empty). */
  readonly final: boolean;
  readonly buffer: ArrayBuffer;
}

/** The boxes (tag ‖ ciphertext each, back to back) at the start of `buffer`, the batch's own buffer back. */
export interface SealedBatch {
  readonly buffer: ArrayBuffer;
  readonly length: number;
}

/**
 * Encrypts batches of attachment chunks, in the order given: the platform decides on which thread (the
 * sending side's mirror of AttachmentOpener). Node gives the engine a worker_threads sealer, the web client a
 * Web Worker, and without one the engine encrypts on its own thread.
 */
export interface AttachmentSealer {
  seal(batch: SealBatch): Promise<SealedBatch>;
  /**
   * Stops the sealer: batches already handed over are still sealed, later ones reject with CLOSED.
   * Harmless twice.
   */
  close(): void;
}

/** Starts a sealer (the client's `attachmentSealer`). */
export type AttachmentSealerFactory = () => AttachmentSealer;

/** Chunks in a batch of `length` plaintext bytes: a final batch ends with the (possibly empty) final chunk. */
export function batchChunks(length: number, chunkSize: number, final: boolean): number {
  return final ? Math.floor(length / chunkSize) + 1 : Math.ceil(length / chunkSize);
}

/** Bytes of the boxes of a batch of `length` plaintext bytes: its plaintext plus a tag per chunk. */
export function sealedLength(length: number, chunkSize: number, final: boolean): number {
  return length + batchChunks(length, chunkSize, final) * TAG_LENGTH;
}

/**
 * Encrypts every chunk of `batch` in its own buffer, last chunk first: box i goes to i × (chunk size + 16),
 * at or after its own plaintext and past every earlier chunk's, so each write lands only on plaintext
 * already encrypted or on its own (libsodium moves overlapping input first; tweetnacl makes the box, then
 * copies it). The boxes are byte for byte what AttachmentChunkSealer.seal makes. What workers and the
 * inline sealer run.
 */
export function sealBatch(batch: SealBatch, backend: CryptoBackend): SealedBatch {
  const { chunkSize, length, firstIndex, final } = batch;
  if (batch.noncePrefix.length !== NONCE_PREFIX_LENGTH || batch.key.length !== 32)
    throw new ParleyError('BAD_REQUEST', 'attachment batch key or nonce prefix has the wrong length');
  if (
    !Number.isSafeInteger(firstIndex) ||
    firstIndex < 0 ||
    !Number.isSafeInteger(chunkSize) ||
    chunkSize <= 0 ||
    !Number.isSafeInteger(length) ||
    length < 0 ||
    typeof final !== 'boolean' ||
    !(batch.buffer instanceof ArrayBuffer)
  )
    throw new ParleyError('BAD_REQUEST', 'attachment batch does not add up');
  if (!final && length % chunkSize !== 0)
    throw new ParleyError('BAD_REQUEST', 'only the final chunk of an attachment may be short');
  const sealed = sealedLength(length, chunkSize, final);
  if (sealed > batch.buffer.byteLength)
    throw new ParleyError('BAD_REQUEST', 'attachment batch buffer cannot hold its boxes');
  const count = batchChunks(length, chunkSize, final);
  const bytes = new Uint8Array(batch.buffer);
  const nonce = new Uint8Array(24);
  nonce.set(batch.noncePrefix);
  for (let i = count - 1; i >= 0; i -= 1) {
    const start = i * chunkSize;
    const plaintext = bytes.subarray(start, Math.min(start + chunkSize, length));
    const at = i * (chunkSize + TAG_LENGTH);
    writeChunkNonce(nonce, firstIndex + i, final && i === count - 1);
    backend.secretboxInto(
      bytes.subarray(at, at + plaintext.length + TAG_LENGTH),
      plaintext,
      nonce,
      batch.key,
    );
  }
  return { buffer: batch.buffer, length: sealed };
}

/** Seals batches on the calling thread: what tests compare a worker with, and a bench's baseline. */
export function inlineSealer(options?: CryptoOptions): AttachmentSealer {
  const { backend } = resolveOptions(options);
  let closed = false;
  return {
    async seal(batch) {
      if (closed) throw new ParleyError('CLOSED', 'attachment sealer is closed');
      return sealBatch(batch, backend);
    },
    close() {
      closed = true;
    },
  };
}

/**
 * A sealer started by its first batch (a worker costs a thread and, in Node, loading the crypto there): a
 * client that never sends a file directly never starts one.
 */
export function lazySealer(start: AttachmentSealerFactory): AttachmentSealer {
  let sealer: AttachmentSealer | undefined;
  let closed = false;
  return {
    seal(batch) {
      if (sealer === undefined) {
        if (closed) return Promise.reject(new ParleyError('CLOSED', 'attachment sealer is closed'));
        sealer = start();
      }
      return sealer.seal(batch);
    },
    close() {
      closed = true;
      sealer?.close();
    },
  };
}
