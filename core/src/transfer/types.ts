import type { ParleyError } from '../errors/index.js';
import type { TransferMessage } from './protocol.js';

/**
 * Where the sender reads the (already encrypted) file from, a chunk at a time. A read that has its bytes at
 * hand may return them as they are: the sender then goes on without a promise and a microtask turn per chunk.
 */
export interface TransferSource {
  read(offset: number, length: number): Promise<Uint8Array> | Uint8Array;
}

/**
 * Where the receiver writes it. Writes come in order, one at a time. A write that finished at once may
 * return nothing: the receiver then goes on without a promise and a turn of the microtask queue per chunk.
 */
export interface TransferSink {
  write(offset: number, bytes: Uint8Array): Promise<void> | undefined;
}

export interface TransferProgress {
  readonly bytes: number;
  readonly total: number;
}

export type TransferState = 'waiting' | 'running' | 'complete' | 'cancelled' | 'failed';

export interface TransferEvents {
  [event: string]: unknown;
  /** Sender: bytes the receiver acknowledged. Receiver: bytes written to the sink. */
  progress: TransferProgress;
  complete: undefined;
  cancel: { readonly by: 'local' | 'remote'; readonly reason: string };
  /** A fatal error (the transfer failed) or a protocol error from the peer (the message was dropped). */
  error: ParleyError;
}

/** One link's way to reach the other end of a transfer; the TransferSession hands it out. */
export interface TransferPort {
  send(message: TransferMessage): Promise<void>;
  /**
   * A file chunk's fast path: sends chunk `index` of transfer `id` now if the link can take it without
   * waiting, and says whether it did (false: nothing was sent, wait for `writable()`). The same bytes on the
   * wire as `send({ t: 'chunk', … })`, without a message object, a promise or a fresh frame per chunk.
   * `bytes` are copied before this returns: the caller may reuse their memory at once. A port without it
   * (a receiver's test double) gets chunks through `send`, whose bytes stay untouched until it resolves.
   */
  trySendChunk?(id: string, index: number, bytes: Uint8Array): boolean;
  /** Resolves when `trySendChunk` may succeed; rejects if the link or the session closed. */
  writable?(): Promise<void>;
}

/**
 * A transfer end as a TransferSession drives it. The same object outlives links: attached to one link's
 * session, detached when that link closes, attached to the next link's session to resume.
 */
export interface TransferEndpoint {
  readonly id: string;
  readonly role: 'sender' | 'receiver';
  readonly state: TransferState;
  attach(port: TransferPort): void;
  detach(port: TransferPort): void;
  handle(message: TransferMessage, port: TransferPort): void;
}
