import { ParleyError, isParleyError, type ErrorCode } from '../errors/index.js';
import { TypedEmitter } from '../link/typed-emitter.js';
import {
  DEFAULT_CHUNK_BYTES,
  MAX_EAGER_CHUNKS,
  TransferIdSchema,
  chunkCount,
  chunkRange,
  type TransferMessage,
} from './protocol.js';
import type {
  TransferEndpoint,
  TransferEvents,
  TransferPort,
  TransferSource,
  TransferState,
} from './types.js';

export interface TransferSenderOptions {
  /** Names the transfer on both sides; a new link to the same peer continues the same id. */
  readonly id: string;
  /** Total bytes (< 2^53). */
  readonly size: number;
  readonly source: TransferSource;
  /** Bytes per chunk. Default: what fills one 16 KiB link frame. */
  readonly chunkSize?: number;
  /** Most chunks sent and not yet acknowledged. Default 64 (1 MiB with default chunks). */
  readonly window?: number;
  /**
   * A value the receiver needs to finish that exists only once every chunk was read (the file's digest when
   * it is encrypted as it is sent): asked for after the last chunk went out, and sent after it on every
   * link that reaches the end.
   */
  readonly trailer?: () => string | Promise<string>;
  /**
   * A new transfer (not one resumed after a restart): on its first link, send this many chunks right behind
   * the hello instead of waiting for the receiver's first ack, so the bytes travel while the receiver opens
   * the message announcing the file (protocol.ts, `eager`). At most the window and MAX_EAGER_CHUNKS.
   */
  readonly eager?: number;
  /**
   * The burst goes once this settles (the message announcing the file is on the link: chunks queued before
   * it would delay what the receiver needs to take them). The hello goes at once; the receiver's first ack
   * starts the transfer as usual if it comes first.
   */
  readonly eagerAfter?: Promise<unknown>;
}

/**
 * Sends one file. Reads a chunk from the source only when the window allows sending it, so memory stays at
 * about one chunk however large the file. Resumes from the receiver's cumulative ack on every attach.
 */
export class TransferSender extends TypedEmitter<TransferEvents> implements TransferEndpoint {
  readonly role = 'sender';
  readonly id: string;
  readonly size: number;
  readonly chunkSize: number;
  readonly totalChunks: number;
  /** Resolves when the receiver confirmed every byte and its hash check; rejects on cancel or failure. */
  readonly done: Promise<void>;

  readonly #source: TransferSource;
  readonly #trailer: (() => string | Promise<string>) | undefined;
  /** The port the trailer was last sent on. */
  #trailerSentOn: TransferPort | undefined;
  readonly #window: number;
  #peerWindow = Number.POSITIVE_INFINITY;
  #state: TransferState = 'waiting';
  #port: TransferPort | undefined;
  /** Set by the first ack on the current port: nothing is sent before the receiver says where to start. */
  #started = false;
  #nextToSend = 0;
  #acked = 0;
  /** Chunks still allowed behind the first hello (0 once used, or for a resumed transfer). */
  #eager: number;
  /** While positive: an eager burst is out and no ack came yet; the pump stops at this many chunks. */
  #eagerLimit = 0;
  readonly #eagerAfter: Promise<unknown> | undefined;
  /** The port a send loop runs for; a loop for an old port stops at its next check. */
  #pumpingPort: TransferPort | undefined;
  #resumePoints: number[] = [];
  #resolveDone!: () => void; // assigned by the Promise executor, which runs synchronously
  #rejectDone!: (error: ParleyError) => void;

  constructor(options: TransferSenderOptions) {
    super();
    this.id = TransferIdSchema.parse(options.id);
    if (!Number.isSafeInteger(options.size) || options.size < 0) {
      throw new ParleyError('BAD_REQUEST', 'size must be a safe non-negative integer');
    }
    this.size = options.size;
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_BYTES;
    if (!Number.isSafeInteger(this.chunkSize) || this.chunkSize < 1) {
      throw new ParleyError('BAD_REQUEST', 'chunkSize must be a positive integer');
    }
    this.#window = options.window ?? 256;
    const eager = Math.min(options.eager ?? 0, this.#window, MAX_EAGER_CHUNKS);
    if (!Number.isSafeInteger(eager) || eager < 0)
      throw new ParleyError('BAD_REQUEST', 'eager must be a non-negative integer');
    this.#eager = eager;
    this.#eagerAfter = options.eagerAfter;
    this.totalChunks = chunkCount(this.size, this.chunkSize);
    this.#source = options.source;
    this.#trailer = options.trailer;
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    this.done.catch(() => {}); // a caller who never awaits `done` still hears about failure via events
  }

  get state(): TransferState {
    return this.#state;
  }

  /** Chunks the receiver acknowledged. */
  get ackedChunks(): number {
    return this.#acked;
  }

  /** The chunk index each attach started (or resumed) from, in order. */
  get resumePoints(): readonly number[] {
    return this.#resumePoints;
  }

  attach(port: TransferPort): void {
    if (this.#isFinished()) return;
    this.#port = port;
    this.#started = false;
    const eager = Math.min(this.#eager, this.totalChunks);
    this.#eager = 0; // a burst goes once: a later link resumes from the receiver's ack as usual
    if (eager > 0) this.#send(port, { t: 'eager', id: this.id, chunks: eager });
    this.#send(port, {
      t: 'hello',
      id: this.id,
      size: this.size,
      chunkSize: this.chunkSize,
      window: this.#window,
    });
    if (eager === 0 || this.#acked !== 0) return;
    // The burst: chunks [0, eager) at once, the rest once the receiver's first ack says it took them.
    this.#eagerLimit = eager;
    this.#start(0);
    if (this.#eagerAfter === undefined) void this.#pump(port);
    else
      void this.#eagerAfter.then(
        () => {
          if (this.#eagerLimit > 0) void this.#pump(port);
        },
        () => undefined,
      );
  }

  detach(port: TransferPort): void {
    if (this.#port !== port) return;
    this.#port = undefined;
    this.#started = false;
    this.#eagerLimit = 0;
    if (this.#state === 'running') this.#state = 'waiting';
  }

  handle(message: TransferMessage, port: TransferPort): void {
    if (port !== this.#port || this.#isFinished()) return;
    switch (message.t) {
      case 'ack':
        this.#onAck(message.next, message.window, message.took === true, port);
        return;
      case 'done':
        if (message.ok && this.#acked === this.totalChunks) this.#finish();
        else if (message.ok) this.#protocolError('done before every chunk was acknowledged');
        else
          this.#fail(
            'DECRYPT_FAILED',
            `receiver rejected the file: ${message.reason ?? 'hash check failed'}`,
          );
        return;
      case 'cancel':
        this.#end('cancelled', 'remote', message.reason);
        return;
      default:
        this.#protocolError(`a sender does not take '${message.t}'`);
    }
  }

  /** Stops the transfer and tells the receiver. Harmless once finished. */
  cancel(reason = 'cancelled'): void {
    if (this.#isFinished()) return;
    const port = this.#port;
    if (port !== undefined) this.#send(port, { t: 'cancel', id: this.id, reason });
    this.#end('cancelled', 'local', reason);
  }

  #onAck(next: number, window: number | undefined, took: boolean, port: TransferPort): void {
    if (window !== undefined) this.#peerWindow = window;
    if (this.#eagerLimit > 0) {
      this.#eagerLimit = 0;
      // Not taken (a receiver without room for it, or one that predates `eager`): the burst is lost, and
      // this first ack is where to start, as after any hello, and the trailer goes again after the file.
      if (!took) {
        this.#started = false;
        this.#trailerSentOn = undefined;
      }
    }
    if (!this.#started) {
      // The receiver's first ack on this port is where we (re)start: it knows what it has written.
      if (next > this.totalChunks) {
        this.#protocolError(`ack ${next} beyond the last chunk`);
        return;
      }
      this.#start(next);
      if (next < this.#acked) {
        // A receiver that restarted without what it had written (or from an older checkpoint) is behind
        // what it acknowledged: the window counts from where it stands now, or the sender would run ahead.
        this.#acked = next;
        this.emit('progress', { bytes: Math.min(next * this.chunkSize, this.size), total: this.size });
      }
    } else if (next > this.#nextToSend) {
      this.#protocolError(`ack ${next} for chunks not sent yet`);
      return;
    }
    if (next > this.#acked) {
      this.#acked = next;
      this.emit('progress', { bytes: Math.min(this.#acked * this.chunkSize, this.size), total: this.size });
    }
    void this.#pump(port);
  }

  #start(next: number): void {
    this.#started = true;
    this.#state = 'running';
    this.#resumePoints.push(next);
    this.#nextToSend = next;
  }

  async #pump(port: TransferPort): Promise<void> {
    if (this.#pumpingPort === port) return;
    this.#pumpingPort = port;
    try {
      while (
        this.#port === port &&
        this.#started &&
        this.#state === 'running' &&
        this.#nextToSend < this.totalChunks &&
        this.#nextToSend - this.#acked < this.#windowNow()
      ) {
        const index = this.#nextToSend;
        const { offset, length } = chunkRange(index, this.size, this.chunkSize);
        let bytes: Uint8Array;
        try {
          const read = this.#source.read(offset, length);
          bytes = read instanceof Uint8Array ? read : await read;
        } catch (error) {
          this.#fail('INTERNAL', 'could not read the file', error);
          return;
        }
        if (bytes.byteLength !== length) {
          this.#fail('INTERNAL', `source returned ${bytes.byteLength} bytes for a ${length}-byte chunk`);
          return;
        }
        if (this.#port !== port || this.#nextToSend !== index || this.#state !== 'running') return;
        let sent = true;
        try {
          if (port.trySendChunk === undefined || port.writable === undefined) {
            this.#nextToSend = index + 1;
            await port.send({ t: 'chunk', id: this.id, index, bytes });
            continue;
          }
          // Copies `bytes` into the link's frame before it returns, so the source may reuse their memory.
          sent = port.trySendChunk(this.id, index, bytes);
          if (!sent) await port.writable();
        } catch {
          return; // the link went away; its session detaches us and the next attach resumes
        }
        // Not sent: the link was full. Read the chunk again once it drained (the source may have reused
        // the memory of these bytes meanwhile; reading again is cheap, its chunk is still at hand).
        if (sent) this.#nextToSend = index + 1;
      }
    } finally {
      if (this.#pumpingPort === port) this.#pumpingPort = undefined;
    }
    // Acks that arrived while the last read or send was pending may have opened the window again.
    if (this.#port === port && this.#state === 'running' && this.#nextToSend < this.totalChunks) {
      if (this.#nextToSend - this.#acked < this.#windowNow()) void this.#pump(port);
    }
    if (this.#port === port && this.#state === 'running' && this.#nextToSend === this.totalChunks)
      await this.#sendTrailer(port);
  }

  /** Chunks that may be out unacknowledged now: the burst's size until the first ack, then the window. */
  #windowNow(): number {
    return this.#eagerLimit > 0 ? this.#eagerLimit : Math.min(this.#window, this.#peerWindow);
  }

  async #sendTrailer(port: TransferPort): Promise<void> {
    if (this.#trailer === undefined || this.#trailerSentOn === port) return;
    this.#trailerSentOn = port;
    let value: string;
    try {
      value = await this.#trailer();
    } catch (error) {
      this.#fail('INTERNAL', 'could not finish reading the file', error);
      return;
    }
    if (this.#port === port && this.#state === 'running')
      this.#send(port, { t: 'trailer', id: this.id, value });
  }

  #send(port: TransferPort, message: TransferMessage): void {
    port.send(message).catch(() => {
      // The link closed; the session detaches us and the next attach says hello again.
    });
  }

  #protocolError(reason: string): void {
    this.emit('error', new ParleyError('BAD_REQUEST', `transfer ${this.id}: ${reason}`));
  }

  #fail(code: ErrorCode, message: string, cause?: unknown): void {
    const error = isParleyError(cause) ? cause : new ParleyError(code, message, { cause });
    const port = this.#port;
    if (port !== undefined)
      this.#send(port, { t: 'cancel', id: this.id, reason: error.message.slice(0, 256) });
    this.#state = 'failed';
    this.#port = undefined;
    this.emit('error', error);
    this.#rejectDone(error);
  }

  #end(state: 'cancelled', by: 'local' | 'remote', reason: string): void {
    this.#state = state;
    this.#port = undefined;
    this.emit('cancel', { by, reason });
    this.#rejectDone(new ParleyError('CLOSED', `transfer ${this.id} cancelled (${by}): ${reason}`));
  }

  #finish(): void {
    this.#state = 'complete';
    this.#port = undefined;
    this.emit('complete', undefined);
    this.#resolveDone();
  }

  #isFinished(): boolean {
    return this.#state === 'complete' || this.#state === 'cancelled' || this.#state === 'failed';
  }
}
