import { ParleyError, isErrorCode, type ErrorCode } from '../../errors/index.js';
import type { CryptoBackend } from '../backend/backend.js';
import { openBatchInPlace, type OpenBatch } from './opener.js';
import { sealBatch, type SealBatch } from './sealer.js';

/**
 * One end of a message channel to another thread, as both Node's worker_threads and the browser's Worker
 * can be made to look: the platform adapters (worker-opener.node.ts, the web client's worker) wrap theirs.
 * Buffers in `transfer` move to the other thread without a copy.
 */
export interface AttachmentChannel {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  onMessage(listener: (data: unknown) => void): void;
  /** The other thread died (an uncaught error, or it could not start). */
  onError?(listener: (error: unknown) => void): void;
  terminate?(): void;
  /** Node: keep the process alive only while batches are pending (a worker is otherwise a live handle). */
  ref?(): void;
  unref?(): void;
}

/** What one attachment crypto thread does for the engine: open received chunks, seal sent ones. */
export type WorkerRequest =
  | { readonly id: number; readonly kind: 'open'; readonly batch: OpenBatch }
  | { readonly id: number; readonly kind: 'seal'; readonly batch: SealBatch };

/** A batch done: its buffer back (opened or sealed), and for a batch opened `into` shared memory, `into`. */
export interface WorkerReply {
  readonly buffer: ArrayBuffer;
  readonly length: number;
  readonly into?: boolean;
}

type WorkerResponse =
  | ({ readonly id: number; readonly ok: true } & WorkerReply)
  | { readonly id: number; readonly ok: false; readonly code: string; readonly message: string };

function isResponse(data: unknown): data is WorkerResponse {
  if (typeof data !== 'object' || data === null) return false;
  const { id, ok } = data as { id?: unknown; ok?: unknown };
  return typeof id === 'number' && typeof ok === 'boolean';
}

/** The engine's side of one crypto thread: each request's buffer moves there and comes back done. */
export interface WorkerCalls {
  call(kind: 'open', batch: OpenBatch): Promise<WorkerReply>;
  call(kind: 'seal', batch: SealBatch): Promise<WorkerReply>;
  /** Requests already handed over are still answered; then the other thread stops. Harmless twice. */
  close(): void;
}

/**
 * Requests to the thread at the other end of `channel`, which answers them in order
 * (serveAttachmentWorker), so they are matched by id. A thread that dies rejects every pending request
 * and every later one with INTERNAL; an error it reports for one batch rejects that batch with its code.
 */
export function channelCalls(channel: AttachmentChannel): WorkerCalls {
  const pending = new Map<number, { resolve: (reply: WorkerReply) => void; reject: (e: unknown) => void }>();
  let nextId = 0;
  let failure: ParleyError | undefined;
  let closing = false;
  let terminated = false;
  const terminate = () => {
    if (terminated) return;
    terminated = true;
    channel.terminate?.();
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
    if (terminated) return;
    failure ??= new ParleyError('INTERNAL', 'the attachment crypto worker stopped', { cause: error });
    for (const { reject } of pending.values()) reject(failure);
    pending.clear();
    channel.unref?.();
  });
  channel.unref?.();
  return {
    call(kind: 'open' | 'seal', batch: OpenBatch | SealBatch) {
      if (closing) return Promise.reject(new ParleyError('CLOSED', 'the attachment crypto worker is closed'));
      if (failure !== undefined) return Promise.reject(failure);
      const id = nextId;
      nextId += 1;
      return new Promise<WorkerReply>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        if (pending.size === 1) channel.ref?.();
        try {
          channel.postMessage({ id, kind, batch }, [batch.buffer]);
        } catch (error) {
          pending.delete(id);
          reject(
            new ParleyError('INTERNAL', 'could not hand a batch to the attachment crypto worker', {
              cause: error,
            }),
          );
        }
      });
    },
    close() {
      if (closing) return;
      closing = true;
      if (pending.size === 0) terminate();
    },
  };
}

/** A hold on a crypto thread: its calls, and what to do when its holder (an opener, a sealer) closes. */
export interface WorkerLease {
  readonly calls: WorkerCalls;
  release(): void;
}

/** A thread of its own for one holder (`channel`: it stops when released), or the shared `lease` given. */
export function leaseOf(channel: AttachmentChannel | WorkerLease): WorkerLease {
  if ('calls' in channel) return channel;
  const calls = channelCalls(channel);
  return { calls, release: () => calls.close() };
}

/**
 * One thread for a client's opener and sealer together: started by whichever needs it first, stopped once
 * every user `release`d it (and its pending batches are done); a user after that starts a new one.
 */
export function sharedCalls(start: () => WorkerCalls): () => WorkerLease {
  let current: WorkerCalls | undefined;
  let users = 0;
  return () => {
    current ??= start();
    const calls = current;
    users += 1;
    let released = false;
    return {
      calls,
      release() {
        if (released) return;
        released = true;
        users -= 1;
        if (users === 0 && current === calls) {
          current = undefined;
          calls.close();
        }
      },
    };
  };
}

/** The worker's side: opens or seals each batch it is sent, in place, and sends the buffer back in order. */
export function serveAttachmentWorker(channel: AttachmentChannel, backend: CryptoBackend): void {
  channel.onMessage((data) => {
    const request = data as WorkerRequest;
    try {
      const done =
        request.kind === 'seal'
          ? sealBatch(request.batch, backend)
          : openBatchInPlace(request.batch, backend);
      const response: WorkerResponse = {
        id: request.id,
        ok: true,
        buffer: done.buffer,
        length: done.length,
        into: 'into' in done && done.into === true,
      };
      channel.postMessage(response, [done.buffer]);
    } catch (error) {
      const response: WorkerResponse = {
        id: request.id,
        ok: false,
        code: error instanceof ParleyError ? error.code : 'INTERNAL',
        message: error instanceof Error ? error.message : `could not ${request.kind} the batch`,
      };
      channel.postMessage(response, []);
    }
  });
}
