import { ParleyError, isParleyError } from '../errors/index.js';
import { TypedEmitter } from '../link/typed-emitter.js';
import { SinkQueue } from './sink-queue.js';
import {
  TransferIdSchema,
  chunkCount,
  chunkRange,
  type TransferChunk,
  type TransferMessage,
} from './protocol.js';
import type {
  TransferCheckpoint,
  TransferEndpoint,
  TransferEvents,
  TransferPort,
  TransferReceiverOptions,
  TransferSink,
  TransferState,
} from './types.js';

interface QueuedChunk {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

/** The queue entry that runs the hash check once everything before it is written. */
const FINISH = 'finish';

/**
 * Receives one file into a sink, in order, acknowledging cumulatively. It keeps what it has written across
 * links: attached to a new link, it tells the sender where to resume.
 */
export class TransferReceiver extends TypedEmitter<TransferEvents> implements TransferEndpoint {
  readonly role = 'receiver';
  readonly id: string;
  readonly size: number;
  readonly done: Promise<void>;

  readonly #sink: TransferSink;
  readonly #verify: ((trailer: string | undefined) => Promise<void>) | undefined;
  readonly #commit: (() => Promise<void>) | undefined;
  readonly #needsTrailer: boolean;
  #trailer: string | undefined;
  readonly #maxChunkBytes: number;
  readonly #window: number;
  #ackEvery: number;
  #state: TransferState = 'waiting';
  #port: TransferPort | undefined;
  #chunkSize: number | undefined;
  #totalChunks = 0;
  /** Chunks [0, written) are in the sink. */
  #written = 0;
  /** Chunks [written, expected) are queued for the sink. */
  #expected = 0;
  #lastAcked = 0;
  /** The sender announced an eager burst behind its next hello (protocol.ts). */
  #eagerHello = false;
  /** Chunks (and the finish) on their way into the sink, in order. */
  readonly #queue = new SinkQueue<QueuedChunk | typeof FINISH>((entry) =>
    entry === FINISH ? this.#finish() : this.#write(entry),
  );
  #verdict: { ok: boolean; reason?: string } | undefined;
  #resolveDone!: () => void; // assigned by the Promise executor, which runs synchronously
  #rejectDone!: (error: ParleyError) => void;

  constructor(options: TransferReceiverOptions) {
    super();
    this.id = TransferIdSchema.parse(options.id);
    if (!Number.isSafeInteger(options.size) || options.size < 0) {
      throw new ParleyError('BAD_REQUEST', 'size must be a safe non-negative integer');
    }
    this.size = options.size;
    this.#sink = options.sink;
    this.#verify = options.verify;
    this.#commit = options.commit;
    this.#needsTrailer = options.trailer === true;
    this.#maxChunkBytes = options.maxChunkBytes ?? 256 * 1024;
    this.#window = options.window ?? 256;
    this.#ackEvery = Math.max(1, options.ackEvery ?? Math.floor(this.#window / 4));
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    this.done.catch(() => {}); // failure is also reported through events
    if (options.resume !== undefined) {
      const { chunkSize, chunks } = options.resume;
      if (!Number.isSafeInteger(chunkSize) || chunkSize < 1 || chunkSize > this.#maxChunkBytes) {
        throw new ParleyError('BAD_REQUEST', 'resume.chunkSize is out of range');
      }
      const total = chunkCount(this.size, chunkSize);
      if (!Number.isSafeInteger(chunks) || chunks < 0 || chunks > total) {
        throw new ParleyError('BAD_REQUEST', 'resume.chunks is out of range');
      }
      this.#chunkSize = chunkSize;
      this.#totalChunks = total;
      this.#written = this.#expected = this.#lastAcked = chunks;
      this.#state = 'running';
    }
  }

  /** What to persist to resume after a restart; undefined until the sender's hello fixed the chunk size. */
  get checkpoint(): TransferCheckpoint | undefined {
    return this.#chunkSize === undefined ? undefined : { chunkSize: this.#chunkSize, chunks: this.#written };
  }

  get state(): TransferState {
    return this.#state;
  }

  /** Bytes written to the sink so far. */
  get writtenBytes(): number {
    return this.#chunkSize === undefined ? 0 : Math.min(this.#written * this.#chunkSize, this.size);
  }

  attach(port: TransferPort): void {
    if (this.#state === 'cancelled' || this.#state === 'failed') return;
    this.#port = port;
    // Say where we stand at once on a resumed link; a first hello that came before we were attached is
    // replayed by the session.
    if (this.#chunkSize !== undefined) this.#ack(port);
  }

  detach(port: TransferPort): void {
    if (this.#port === port) this.#port = undefined;
  }

  handle(message: TransferMessage, port: TransferPort): void {
    if (port !== this.#port || this.#state === 'cancelled' || this.#state === 'failed') return;
    // Once complete, only a resumed sender's hello matters (it is answered with the verdict again).
    if (this.#state === 'complete' && message.t !== 'hello') return;
    switch (message.t) {
      case 'eager':
        // Its hello comes next, then its chunks, in order (the session held them if they came early).
        this.#eagerHello = true;
        return;
      case 'hello': {
        if (message.window !== undefined)
          this.#ackEvery = Math.min(this.#ackEvery, Math.max(1, Math.floor(message.window / 4)));
        const eager = this.#eagerHello;
        this.#eagerHello = false;
        this.#onHello(message.size, message.chunkSize, port, eager);
        return;
      }
      case 'chunk':
        this.#onChunk(message, port);
        return;
      case 'trailer':
        if (!this.#needsTrailer) this.#protocolError('a trailer nobody expects');
        else if (this.#trailer === undefined) {
          this.#trailer = message.value;
          if (this.#written === this.#totalChunks && this.#chunkSize !== undefined) this.#queueFinish();
        }
        return;
      case 'cancel':
        this.#cancelled('remote', message.reason);
        return;
      default:
        this.#protocolError(`a receiver does not take '${message.t}'`);
    }
  }

  /** Stops the transfer and tells the sender. Harmless once finished. */
  cancel(reason = 'cancelled'): void {
    if (this.#state === 'complete' || this.#state === 'cancelled' || this.#state === 'failed') return;
    const port = this.#port;
    if (port !== undefined) this.#send(port, { t: 'cancel', id: this.id, reason });
    this.#cancelled('local', reason);
  }

  /** `eager`: the sender's chunks follow right behind this hello, and the session delivers them in order. */
  #onHello(size: number, chunkSize: number, port: TransferPort, eager: boolean): void {
    if (size !== this.size) {
      this.#refuse(`sender offers ${size} bytes, ${this.size} were announced`);
      return;
    }
    if (chunkSize > this.#maxChunkBytes) {
      this.#refuse(`chunks of ${chunkSize} bytes exceed the ${this.#maxChunkBytes}-byte limit`);
      return;
    }
    if (this.#chunkSize !== undefined && this.#chunkSize !== chunkSize) {
      this.#refuse(`chunk size changed from ${this.#chunkSize} to ${chunkSize} on resume`);
      return;
    }
    if (this.#chunkSize === undefined) {
      this.#chunkSize = chunkSize;
      this.#totalChunks = chunkCount(size, chunkSize);
      this.#state = 'running';
    }
    this.#ack(port, eager);
    if (this.#verdict !== undefined) this.#send(port, { t: 'done', id: this.id, ...this.#verdict });
    else if (this.#expected === this.#totalChunks) this.#queueFinish(); // empty, or resumed with everything
  }

  #onChunk(chunk: TransferChunk, port: TransferPort): void {
    const chunkSize = this.#chunkSize;
    if (chunkSize === undefined) {
      this.#protocolError('chunk before hello');
      return;
    }
    if (chunk.index < this.#expected) return; // resent after a resume; already written or queued
    if (chunk.index !== this.#expected) {
      this.#protocolError(`chunk ${chunk.index} skips ahead of ${this.#expected}`);
      this.#ack(port);
      return;
    }
    if (chunk.index >= this.#totalChunks) {
      this.#protocolError(`chunk ${chunk.index} beyond the last (${this.#totalChunks - 1})`);
      return;
    }
    const { offset, length } = chunkRange(chunk.index, this.size, chunkSize);
    if (chunk.bytes.byteLength !== length) {
      this.#protocolError(`chunk ${chunk.index} has ${chunk.bytes.byteLength} bytes, expected ${length}`);
      return;
    }
    if (this.#expected - this.#written >= this.#window) {
      this.#fail(new ParleyError('RATE_LIMITED', `sender exceeded the window of ${this.#window} chunks`));
      return;
    }
    this.#expected += 1;
    this.#queue.push({ offset, bytes: chunk.bytes });
  }

  #queueFinish(): void {
    this.#queue.push(FINISH);
  }

  /** One chunk into the sink; returns a promise only if the sink's write did. */
  #write({ offset, bytes }: QueuedChunk): Promise<void> | undefined {
    if (this.#state !== 'running') return undefined;
    let pending: Promise<void> | undefined;
    try {
      pending = this.#sink.write(offset, bytes);
    } catch (error) {
      this.#writeFailed(error);
      return undefined;
    }
    if (pending === undefined) return this.#written1();
    return pending.then(
      () => this.#written1(),
      (error: unknown) => this.#writeFailed(error),
    );
  }

  #writeFailed(error: unknown): void {
    this.#fail(
      isParleyError(error)
        ? error
        : new ParleyError('INTERNAL', 'could not write the file', { cause: error }),
    );
  }

  /** A chunk is in the sink: an ack every `ackEvery` chunks, progress, and the finish after the last. */
  #written1(): Promise<void> | undefined {
    if (this.#state !== 'running') return undefined;
    this.#written += 1;
    const current = this.#port;
    // Ack every `ackEvery` chunks (at most a quarter of the sender's window, so it never stalls on it), not
    // after each chunk: a receiver that keeps up would otherwise answer every chunk with an ack. The ack
    // goes before the progress event, whose listeners may do work of their own (the engine builds and
    // saves a checkpoint on the same 1 MiB boundaries the acks fall on): the sender refills its window
    // that much sooner.
    if (
      current !== undefined &&
      (this.#written - this.#lastAcked >= this.#ackEvery || this.#written === this.#totalChunks)
    ) {
      this.#ack(current);
    }
    this.emit('progress', { bytes: this.writtenBytes, total: this.size });
    return this.#written === this.#totalChunks ? this.#finish() : undefined;
  }

  async #finish(): Promise<void> {
    if (this.#state !== 'running') return;
    if (this.#needsTrailer && this.#trailer === undefined) return; // its arrival finishes
    let verdict: { ok: boolean; reason?: string } = { ok: true };
    let failure: ParleyError | undefined;
    try {
      await this.#verify?.(this.#trailer);
    } catch (error) {
      failure = isParleyError(error)
        ? error
        : new ParleyError('DECRYPT_FAILED', 'the received file failed its hash check', { cause: error });
      verdict = { ok: false, reason: failure.message.slice(0, 256) };
    }
    if (failure === undefined && this.#commit !== undefined && this.#state === 'running') {
      try {
        await this.#commit();
      } catch (error) {
        if (isParleyError(error, 'CLOSED')) {
          this.#stopQuietly(error);
          return;
        }
        failure = isParleyError(error)
          ? error
          : new ParleyError('INTERNAL', 'the received file could not be kept', { cause: error });
        verdict = { ok: false, reason: failure.message.slice(0, 256) };
      }
    }
    if (this.#state !== 'running') return;
    this.#verdict = verdict;
    const port = this.#port;
    if (port !== undefined) this.#send(port, { t: 'done', id: this.id, ...verdict });
    if (failure !== undefined) {
      this.#state = 'failed';
      this.emit('error', failure);
      this.#rejectDone(failure);
      return;
    }
    this.#state = 'complete';
    this.emit('complete', undefined);
    this.#resolveDone();
  }

  #ack(port: TransferPort, took = false): void {
    this.#lastAcked = this.#written;
    this.#send(port, {
      t: 'ack',
      id: this.id,
      next: this.#written,
      window: this.#window,
      ...(took ? { took: true } : {}),
    });
  }

  #send(port: TransferPort, message: TransferMessage): void {
    port.send(message).catch(() => {
      // The link closed; on the next attach the sender says hello and we ack where we are.
    });
  }

  /** Refuses the sender's terms: fails here and tells the sender why (#fail sends the cancel). */
  #refuse(reason: string): void {
    this.#fail(new ParleyError('BAD_REQUEST', `transfer ${this.id}: ${reason}`));
  }

  #protocolError(reason: string): void {
    this.emit('error', new ParleyError('BAD_REQUEST', `transfer ${this.id}: ${reason}`));
  }

  #fail(error: ParleyError): void {
    if (this.#state === 'failed') return;
    const port = this.#port;
    if (port !== undefined && this.#verdict === undefined) {
      this.#send(port, { t: 'cancel', id: this.id, reason: error.message.slice(0, 256) });
    }
    this.#state = 'failed';
    this.#port = undefined;
    this.emit('error', error);
    this.#rejectDone(error);
  }

  /** Its app is closing: it ends here without a word to the sender, which resumes with the next start. */
  #stopQuietly(error: ParleyError): void {
    if (this.#state !== 'running') return;
    this.#state = 'failed';
    this.#port = undefined;
    this.#rejectDone(error);
  }

  #cancelled(by: 'local' | 'remote', reason: string): void {
    this.#state = 'cancelled';
    this.#port = undefined;
    this.emit('cancel', { by, reason });
    this.#rejectDone(new ParleyError('CLOSED', `transfer ${this.id} cancelled (${by}): ${reason}`));
  }
}
