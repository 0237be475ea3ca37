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

/** What a TransferReceiver (receiver.ts) is built with: here, so receiver.ts stays about receiving. */
export interface TransferReceiverOptions {
  readonly id: string;
  /** The size the message announcing the file promised; a sender claiming another size is refused. */
  readonly size: number;
  readonly sink: TransferSink;
  /**
   * The final hash check, once every byte is written (and the trailer came, if one is expected): throw
   * (ideally a ParleyError) if the file is not what was promised. The crypto layer's attachment digest goes
   * here.
   */
  readonly verify?: (trailer: string | undefined) => Promise<void>;
  /**
   * Runs once the file passed `verify`, before the sender is told `done`: where the caller makes the file's
   * success durable (the engine records it complete), so a receiver that stops before then is resumed by a
   * sender that never let go, and one that stops after finds its file complete. A failure fails the
   * transfer like a failed check (the sender is told), except a ParleyError 'CLOSED': the receiver's app is
   * closing, so it stops telling nothing, and the sender resumes with the app's next start.
   */
  readonly commit?: () => Promise<void>;
  /** The sender follows the last chunk with a trailer (TransferSenderOptions.trailer); finish waits for it. */
  readonly trailer?: boolean;
  /** The largest chunk accepted. Default 256 KiB. */
  readonly maxChunkBytes?: number;
  /** Most chunks received and not yet written; told to the sender as its window. Default 256 (4 MiB). */
  readonly window?: number;
  /**
   * Acknowledge after this many written chunks (and the last one). Default a quarter of the smaller of this
   * window and the sender's (its hello says), so a sender never waits for an ack that is not coming.
   */
  readonly ackEvery?: number;
  /**
   * Where an earlier receiver of this transfer stopped (its `checkpoint`, persisted by the engine), so a
   * transfer survives an app restart as well as a dropped link. The sink must already hold those bytes.
   */
  readonly resume?: TransferCheckpoint;
}

/** How far a receiver got: `chunks` chunks of `chunkSize` bytes are in the sink. */
export interface TransferCheckpoint {
  readonly chunkSize: number;
  readonly chunks: number;
}
