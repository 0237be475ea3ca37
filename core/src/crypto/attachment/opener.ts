import { ParleyError } from '../../errors/index.js';
import { resolveOptions, type CryptoOptions } from '../options.js';
import type { CryptoBackend } from '../backend/backend.js';
import { NONCE_PREFIX_LENGTH, TAG_LENGTH, writeChunkNonce } from './format.js';

/**
 * Consecutive attachment chunks to open, back to back in `buffer`: every box `boxLength` bytes but the
 * attachment's final one, which may be shorter. The buffer is handed over (transferred to a worker): the
 * caller keeps no view of it.
 */
export interface OpenBatch {
  readonly key: Uint8Array;
  readonly noncePrefix: Uint8Array;
  /** The attachment chunk index of the first box. */
  readonly firstIndex: number;
  /** A full box: the attachment's chunk size plus its tag. */
  readonly boxLength: number;
  /** Bytes of boxes in `buffer`, from its start. */
  readonly length: number;
  /** The batch's last box is the attachment's final chunk (its nonce says so). */
  readonly final: boolean;
  readonly buffer: ArrayBuffer;
  /**
   * Memory the other thread shares (a sink's own bytes) to open the boxes straight into, back to back from
   * `offset`, instead of into `buffer`: only for an opener that says `sharedMemory`. Each box's plaintext
   * lands there only once its tag checked out; a box that does not open leaves its bytes untouched.
   */
  readonly into?: { readonly buffer: SharedArrayBuffer; readonly offset: number };
}

/**
 * The plaintext of every box of a batch, back to back at the start of `buffer` (the batch's own buffer),
 * or, for a batch opened `into` shared memory (`into` true), the batch's buffer back (for the next batch)
 * and the plaintext's length there.
 */
export interface OpenedBatch {
  readonly buffer: ArrayBuffer;
  readonly length: number;
  /** The plaintext went to the batch's `into`, not to `buffer`. */
  readonly into?: boolean;
}

/**
 * Opens batches of attachment chunks, in the order given: the platform decides on which thread. Node gives
 * the engine a worker_threads opener (opener-worker.node.ts), the web client a Web Worker, and without one
 * the engine opens chunks on its own thread. A batch whose chunk does not authenticate rejects with
 * DECRYPT_FAILED naming the chunk; no plaintext of it is handed out.
 */
export interface AttachmentOpener {
  /**
   * Opens batches `into` a SharedArrayBuffer (OpenBatch.into): its thread shares memory with the caller's,
   * so the plaintext need not come back and be copied into the sink (Node's worker_threads).
   */
  readonly sharedMemory?: boolean;
  open(batch: OpenBatch): Promise<OpenedBatch>;
  /**
   * Stops the opener: batches already handed over are still opened, later ones reject with CLOSED.
   * Harmless twice.
   */
  close(): void;
}

/**
 * Opens every box of `batch` in its own buffer: box i's plaintext goes to i × chunk size, which lies at or
 * before the box itself, so each write lands only on bytes already opened (libsodium and tweetnacl both
 * allow overlapping input and output). What workers and the inline opener run.
 */
export function openBatchInPlace(batch: OpenBatch, backend: CryptoBackend): OpenedBatch {
  const { boxLength, length, firstIndex } = batch;
  if (batch.noncePrefix.length !== NONCE_PREFIX_LENGTH || batch.key.length !== 32)
    throw new ParleyError('BAD_REQUEST', 'attachment batch key or nonce prefix has the wrong length');
  if (
    !Number.isSafeInteger(firstIndex) ||
    firstIndex < 0 ||
    !Number.isSafeInteger(boxLength) ||
    boxLength <= TAG_LENGTH ||
    !Number.isSafeInteger(length) ||
    length < 0 ||
    length > batch.buffer.byteLength
  )
    throw new ParleyError('BAD_REQUEST', 'attachment batch does not add up');
  const bytes = new Uint8Array(batch.buffer);
  const into = batch.into === undefined ? bytes : sharedTarget(batch);
  const nonce = new Uint8Array(24);
  nonce.set(batch.noncePrefix);
  let read = 0;
  let written = 0;
  let index = firstIndex;
  while (read < length) {
    const box = bytes.subarray(read, Math.min(read + boxLength, length));
    const last = read + box.length >= length;
    if (box.length < TAG_LENGTH || (box.length < boxLength && !(last && batch.final)))
      throw new ParleyError('TRUNCATED', `attachment chunk ${index} is cut short`);
    writeChunkNonce(nonce, index, last && batch.final);
    const out = into.subarray(written, written + box.length - TAG_LENGTH);
    if (!backend.secretboxOpenInto(out, box, nonce, batch.key))
      throw new ParleyError(
        'DECRYPT_FAILED',
        `attachment chunk ${index} does not authenticate (tampered or moved)`,
      );
    read += box.length;
    written += out.length;
    index += 1;
  }
  return { buffer: batch.buffer, length: written, ...(batch.into === undefined ? {} : { into: true }) };
}

/** Where a batch opened `into` shared memory puts its plaintext, checked to hold all of it. */
function sharedTarget(batch: OpenBatch): Uint8Array {
  const { buffer, offset } = batch.into ?? {};
  const boxes = Math.ceil(batch.length / batch.boxLength);
  const plaintext = Math.max(0, batch.length - boxes * TAG_LENGTH);
  if (
    typeof SharedArrayBuffer !== 'function' ||
    !(buffer instanceof SharedArrayBuffer) ||
    !Number.isSafeInteger(offset) ||
    offset === undefined ||
    offset < 0 ||
    offset + plaintext > buffer.byteLength
  )
    throw new ParleyError('BAD_REQUEST', 'attachment batch target does not hold its plaintext');
  return new Uint8Array(buffer, offset, plaintext);
}

/** Opens batches on the calling thread: the engine's default, and what tests compare a worker with. */
export function inlineOpener(options?: CryptoOptions): AttachmentOpener {
  const { backend } = resolveOptions(options);
  let closed = false;
  return {
    async open(batch) {
      if (closed) throw new ParleyError('CLOSED', 'attachment opener is closed');
      return openBatchInPlace(batch, backend);
    },
    close() {
      closed = true;
    },
  };
}

/**
 * Starts an opener (the client's `attachmentOpener`). `sharedMemory` says before it starts that the opener
 * will take batches `into` shared memory, so the engine's default sink can allocate its bytes as such.
 */
export type AttachmentOpenerFactory = (() => AttachmentOpener) & { readonly sharedMemory?: boolean };

/**
 * An opener started by its first batch (a worker costs a thread and, in Node, loading the crypto there):
 * a client that never receives a file never starts one.
 */
export function lazyOpener(start: AttachmentOpenerFactory): AttachmentOpener {
  let opener: AttachmentOpener | undefined;
  let closed = false;
  return {
    sharedMemory: start.sharedMemory === true,
    open(batch) {
      if (opener === undefined) {
        if (closed) return Promise.reject(new ParleyError('CLOSED', 'attachment opener is closed'));
        opener = start();
      }
      return opener.open(batch);
    },
    close() {
      closed = true;
      opener?.close();
    },
  };
}
