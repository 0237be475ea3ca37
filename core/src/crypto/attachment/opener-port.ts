import { ParleyError, isErrorCode, type ErrorCode } from '../../errors/index.js';
import type { CryptoBackend } from '../backend/backend.js';
import { openBatchInPlace, type AttachmentOpener, type OpenBatch, type OpenedBatch } from './opener.js';

/**
 * One end of a message channel to another thread, as both Node's worker_threads and the browser's Worker
 * can be made to look: the platform adapters (opener-worker.node.ts, the web client's worker) wrap theirs.
 * Buffers in `transfer` move to the other thread without a copy.
 */
export interface OpenerChannel {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  onMessage(listener: (data: unknown) => void): void;
  /** The other thread died (an uncaught error, or it could not start). */
  onError?(listener: (error: unknown) => void): void;
  terminate?(): void;
  /** Node: keep the process alive only while batches are pending (a worker is otherwise a live handle). */
  ref?(): void;
  unref?(): void;
}

interface OpenRequest {
  readonly id: number;
  readonly batch: OpenBatch;
}

type OpenResponse =
  | {
      readonly id: number;
      readonly ok: true;
      readonly buffer: ArrayBuffer;
      readonly length: number;
      readonly into: boolean;
    }
  | { readonly id: number; readonly ok: false; readonly code: string; readonly message: string };

function isResponse(data: unknown): data is OpenResponse {
  if (typeof data !== 'object' || data === null) return false;
  const { id, ok } = data as { id?: unknown; ok?: unknown };
  return typeof id === 'number' && typeof ok === 'boolean';
}

/**
 * The engine's side of an opener on another thread: each batch's buffer is transferred there and comes
 * back holding the plaintext (or, for a batch opened `into` shared memory, only to be filled again). The
 * other side answers in order (serveOpener), so batches are matched by id. `sharedMemory`: the other
 * thread shares this one's memory (worker_threads; a browser's worker only when cross-origin isolated).
 */
export function channelOpener(
  channel: OpenerChannel,
  options: { readonly sharedMemory?: boolean } = {},
): AttachmentOpener {
  const pending = new Map<number, { resolve: (opened: OpenedBatch) => void; reject: (e: unknown) => void }>();
  let nextId = 0;
  let failure: ParleyError | undefined;
  let closing = false;
  let terminated = false;
  const terminate = () => {
    if (terminated) return;
    terminated = true;
    channel.terminate?.();
  };
  const settleAll = (error: ParleyError) => {
    failure ??= error;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
    channel.unref?.();
  };
  channel.onMessage((data) => {
    if (!isResponse(data)) return;
    const waiting = pending.get(data.id);
    if (waiting === undefined) return;
    pending.delete(data.id);
    if (pending.size === 0) {
      channel.unref?.();
      if (closing) terminate();
    }
    if (data.ok) waiting.resolve({ buffer: data.buffer, length: data.length, into: data.into === true });
    else {
      const code: ErrorCode = isErrorCode(data.code) ? data.code : 'INTERNAL';
      waiting.reject(new ParleyError(code, data.message));
    }
  });
  channel.onError?.((error) => {
    if (!terminated)
      settleAll(new ParleyError('INTERNAL', 'the decrypting worker stopped', { cause: error }));
  });
  channel.unref?.();
  return {
    sharedMemory: options.sharedMemory === true,
    open(batch) {
      if (closing) return Promise.reject(new ParleyError('CLOSED', 'attachment opener is closed'));
      if (failure !== undefined) return Promise.reject(failure);
      const id = nextId;
      nextId += 1;
      return new Promise<OpenedBatch>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        if (pending.size === 1) channel.ref?.();
        const request: OpenRequest = { id, batch };
        try {
          channel.postMessage(request, [batch.buffer]);
        } catch (error) {
          pending.delete(id);
          reject(
            new ParleyError('INTERNAL', 'could not hand a batch to the decrypting worker', { cause: error }),
          );
        }
      });
    },
    /**
     * Batches already handed over are still opened (a file's plaintext in flight reaches its sink, and its
     * checkpoint with it, as when the engine decrypts on its own thread); then the other thread stops.
     */
    close() {
      if (closing) return;
      closing = true;
      if (pending.size === 0) terminate();
    },
  };
}

/** The worker's side: opens each batch it is sent in place and sends the buffer back, in order. */
export function serveOpener(channel: OpenerChannel, backend: CryptoBackend): void {
  channel.onMessage((data) => {
    const { id, batch } = data as OpenRequest;
    try {
      const opened = openBatchInPlace(batch, backend);
      const response: OpenResponse = {
        id,
        ok: true,
        buffer: opened.buffer,
        length: opened.length,
        into: opened.into === true,
      };
      channel.postMessage(response, [opened.buffer]);
    } catch (error) {
      const response: OpenResponse = {
        id,
        ok: false,
        code: error instanceof ParleyError ? error.code : 'INTERNAL',
        message: error instanceof Error ? error.message : 'could not open the batch',
      };
      channel.postMessage(response, []);
    }
  });
}
