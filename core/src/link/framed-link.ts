import { ParleyError } from '../errors/index.js';
import type { DataLink, LinkCloseEvent } from './data-link.js';
import {
  FRAME_HEADER_BYTES,
  MAX_FRAME_PAYLOAD_BYTES,
  Reassembler,
  encodeFrameParts,
  splitIntoFrames,
  writeFrameHeader,
  type ReassembledMessage,
} from './framing.js';
import { TypedEmitter } from './typed-emitter.js';

/** Which layer a payload is for. The engine's messages and file transfers share one link. */
export const LinkChannel = {
  message: 0,
  transfer: 1,
} as const;

export interface FramedLinkOptions {
  /** The largest payload sent or accepted. Default 1 MiB. */
  readonly maxMessageBytes?: number;
  /** How many split messages from the peer may be incomplete at once. Default 16. */
  readonly maxPartialMessages?: number;
  /**
   * A malformed frame is dropped (with the message it belonged to) and reported as 'protocol-error'; the
   * link stays usable. After this many, the peer is not worth talking to and the link closes. Default 16.
   */
  readonly maxProtocolErrors?: number;
}

export interface FramedLinkEvents {
  [event: string]: unknown;
  message: ReassembledMessage;
  'protocol-error': ParleyError;
  close: LinkCloseEvent;
}

const U32_LIMIT = 0x1_0000_0000;

/**
 * Payloads of any size (up to `maxMessageBytes`) over a DataLink, split into frames and put back together.
 * Sends interleave at frame granularity, so a short message is not stuck behind a large one.
 */
export class FramedLink extends TypedEmitter<FramedLinkEvents> {
  readonly link: DataLink;
  readonly maxMessageBytes: number;
  readonly #reassembler: Reassembler;
  readonly #maxProtocolErrors: number;
  #nextMessageId = 0;
  #protocolErrors = 0;
  /** The memory `frameFor` hands out, reused frame after frame (see trySendFrame). */
  #frame = new Uint8Array(0);

  constructor(link: DataLink, options: FramedLinkOptions = {}) {
    super();
    this.link = link;
    this.maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
    this.#maxProtocolErrors = options.maxProtocolErrors ?? 16;
    this.#reassembler = new Reassembler({
      maxMessageBytes: this.maxMessageBytes,
      ...(options.maxPartialMessages === undefined ? {} : { maxPartialMessages: options.maxPartialMessages }),
    });
    link.on('message', (frame) => this.#onFrame(frame));
    link.on('close', (event) => {
      this.#reassembler.clear();
      this.emit('close', event);
      this.removeAllListeners();
    });
  }

  get protocolErrors(): number {
    return this.#protocolErrors;
  }

  /**
   * Sends one payload on `channel`; resolves when its last frame is handed to the data channel. The payload
   * may come in parts (a header and a body): a payload that fits one frame is then copied only once.
   */
  send(channel: number, payload: Uint8Array | readonly Uint8Array[]): Promise<void> {
    // A payload that fits one frame (every file chunk) goes out with the link's promise alone, not an async
    // function's around it; a bad argument or a closed link still rejects rather than throws.
    try {
      if (payload instanceof Uint8Array) return this.#sendSplit(channel, payload);
      let length = 0;
      for (const part of payload) length += part.byteLength;
      if (length > MAX_FRAME_PAYLOAD_BYTES || length > this.maxMessageBytes)
        return this.#sendSplit(channel, concatParts(payload, length));
      this.#checkChannel(channel);
      const messageId = this.#nextMessageId;
      this.#nextMessageId = (messageId + 1) % U32_LIMIT;
      return this.link.send(encodeFrameParts({ channel, messageId, total: length, offset: 0 }, payload));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #sendSplit(channel: number, payload: Uint8Array): Promise<void> {
    this.#checkChannel(channel);
    if (payload.byteLength > this.maxMessageBytes) {
      throw new ParleyError(
        'PAYLOAD_TOO_LARGE',
        `payload of ${payload.byteLength} bytes exceeds the ${this.maxMessageBytes}-byte limit`,
      );
    }
    const messageId = this.#nextMessageId;
    this.#nextMessageId = (messageId + 1) % U32_LIMIT;
    for (const frame of splitIntoFrames(channel, messageId, payload)) {
      await this.link.send(frame);
    }
  }

  /**
   * Memory for one frame carrying a `length`-byte payload, to be written from FRAME_HEADER_BYTES on and
   * passed to `trySendFrame`. The same memory every time (while the length stays the same): the link copies
   * a frame before trySendFrame returns, so fill it and send it without an await in between.
   */
  frameFor(length: number): Uint8Array {
    if (length < 1 || length > MAX_FRAME_PAYLOAD_BYTES || length > this.maxMessageBytes)
      throw new ParleyError('PAYLOAD_TOO_LARGE', `a one-frame payload of ${length} bytes`);
    const size = FRAME_HEADER_BYTES + length;
    if (this.#frame.byteLength !== size) this.#frame = new Uint8Array(size);
    return this.#frame;
  }

  /**
   * Sends `frame` (from `frameFor`, its payload written) as one message on `channel` if the link can take
   * it now, and says whether it did; false: nothing was sent, wait for `writable()` and try again. What goes
   * out is byte for byte what `send(channel, payload)` sends, without a promise or an allocation per frame.
   * The frame's memory may be reused as soon as this returns (DataLink.trySend's contract).
   */
  trySendFrame(channel: number, frame: Uint8Array): boolean {
    this.#checkChannel(channel);
    if (frame.byteLength <= FRAME_HEADER_BYTES)
      throw new ParleyError('BAD_REQUEST', 'a frame without payload');
    const messageId = this.#nextMessageId;
    writeFrameHeader(frame, channel, messageId, frame.byteLength - FRAME_HEADER_BYTES, 0);
    if (!this.link.trySend(frame)) return false;
    this.#nextMessageId = (messageId + 1) % U32_LIMIT;
    return true;
  }

  /** Resolves when `trySendFrame` may succeed; rejects if the link closes. */
  writable(): Promise<void> {
    return this.link.writable();
  }

  close(error?: ParleyError): void {
    this.link.close(error);
  }

  #checkChannel(channel: number): void {
    if (!Number.isInteger(channel) || channel < 0 || channel > 255) {
      throw new ParleyError('BAD_REQUEST', `channel ${channel} is not a byte`);
    }
  }

  #onFrame(frame: Uint8Array): void {
    let message: ReassembledMessage | undefined;
    try {
      message = this.#reassembler.push(frame);
    } catch (error) {
      const failure =
        error instanceof ParleyError
          ? error
          : new ParleyError('BAD_REQUEST', 'unreadable frame', { cause: error });
      this.#protocolErrors += 1;
      this.emit('protocol-error', failure);
      if (this.#protocolErrors >= this.#maxProtocolErrors) {
        this.link.close(
          new ParleyError('BAD_REQUEST', `peer sent ${this.#protocolErrors} malformed frames`, {
            cause: failure,
          }),
        );
      }
      return;
    }
    if (message !== undefined) this.emit('message', message);
  }
}

function concatParts(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
