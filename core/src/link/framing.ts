import { z } from 'zod';
import { ParleyError } from '../errors/index.js';
import { MAX_FRAME_BYTES } from './options.js';

/**
 * Framing: a payload of any size (up to a bound) travels as frames of at most MAX_FRAME_BYTES, each one
 * data channel message. Every frame carries a fixed 16-byte big-endian header:
 *
 *   0  u8   version (1)
 *   1  u8   channel: which layer the payload is for (engine messages, transfers…)
 *   2  u16  flags, reserved, must be 0
 *   4  u32  message id, chosen by the sender, unique among its messages in flight
 *   8  u32  total length of the payload
 *   12 u32  offset of this frame's bytes in the payload
 *   16 …    bytes
 *
 * The data channel is reliable and ordered, so a message's frames arrive in order; the receiver still
 * checks every field and never trusts a length it did not verify against the bytes it has.
 */
export const FRAME_VERSION = 1;
export const FRAME_HEADER_BYTES = 16;
export const MAX_FRAME_PAYLOAD_BYTES = MAX_FRAME_BYTES - FRAME_HEADER_BYTES;
const U32_MAX = 0xffffffff;

export const FrameHeaderSchema = z.strictObject({
  version: z.literal(FRAME_VERSION),
  channel: z.number().int().min(0).max(255),
  flags: z.literal(0),
  messageId: z.number().int().min(0).max(U32_MAX),
  total: z.number().int().min(0).max(U32_MAX),
  offset: z.number().int().min(0).max(U32_MAX),
});

export type FrameHeader = z.infer<typeof FrameHeaderSchema>;

export interface Frame {
  readonly header: FrameHeader;
  readonly bytes: Uint8Array;
}

export function encodeFrame(header: Omit<FrameHeader, 'version' | 'flags'>, bytes: Uint8Array): Uint8Array {
  return encodeFrameParts(header, [bytes]);
}

/** One frame whose bytes are `parts` one after another: a header and a body are copied once, into the frame. */
export function encodeFrameParts(
  header: Omit<FrameHeader, 'version' | 'flags'>,
  parts: readonly Uint8Array[],
): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.byteLength;
  if (length > MAX_FRAME_PAYLOAD_BYTES) {
    throw new ParleyError('PAYLOAD_TOO_LARGE', `frame payload of ${length} bytes is too large`);
  }
  const frame = new Uint8Array(FRAME_HEADER_BYTES + length);
  writeFrameHeader(frame, header.channel, header.messageId, header.total, header.offset);
  let offset = FRAME_HEADER_BYTES;
  for (const part of parts) {
    frame.set(part, offset);
    offset += part.byteLength;
  }
  return frame;
}

/**
 * Writes a frame header into the first FRAME_HEADER_BYTES of `frame` (memory that may hold an earlier
 * frame: every byte of the header is written). The caller checks the fields' ranges.
 */
export function writeFrameHeader(
  frame: Uint8Array,
  channel: number,
  messageId: number,
  total: number,
  offset: number,
): void {
  // Byte by byte: a DataView per frame is an allocation per 16 KiB sent.
  frame[0] = FRAME_VERSION;
  frame[1] = channel;
  frame[2] = 0; // flags, reserved
  frame[3] = 0;
  putUint32(frame, 4, messageId);
  putUint32(frame, 8, total);
  putUint32(frame, 12, offset);
}

function putUint32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

/** The big-endian u32 at `at` (as putUint32 writes it); the caller checked that its four bytes exist. */
export function readUint32(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at] as number) * 0x100_0000 +
    (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number))
  );
}

/** Parses one frame from the peer; throws BAD_REQUEST with the reason when it is not a well-formed frame. */
export function decodeFrame(frame: Uint8Array): Frame {
  if (frame.byteLength < FRAME_HEADER_BYTES) {
    throw new ParleyError('BAD_REQUEST', `frame of ${frame.byteLength} bytes is shorter than its header`);
  }
  if (frame.byteLength > MAX_FRAME_BYTES) {
    throw new ParleyError(
      'PAYLOAD_TOO_LARGE',
      `frame of ${frame.byteLength} bytes exceeds ${MAX_FRAME_BYTES}`,
    );
  }
  // Read byte by byte, as encodeFrameParts writes: a DataView per frame is a runtime call and an allocation.
  const header = {
    version: frame[0] as number, // the length was checked above
    channel: frame[1] as number,
    flags: ((frame[2] as number) << 8) | (frame[3] as number),
    messageId: readUint32(frame, 4),
    total: readUint32(frame, 8),
    offset: readUint32(frame, 12),
  };
  // Every frame passes here, so the schema runs only to explain a bad header: the other fields are a u8 and
  // u32s, in range by construction; only the version and the flags can be wrong.
  if (header.version !== FRAME_VERSION || header.flags !== 0) {
    const parsed = FrameHeaderSchema.safeParse(header);
    const reason = parsed.success ? 'unknown version or flags' : z.prettifyError(parsed.error);
    throw new ParleyError('BAD_REQUEST', `malformed frame header: ${reason}`);
  }
  const bytes = frame.subarray(FRAME_HEADER_BYTES);
  const { total, offset } = header;
  if (offset + bytes.byteLength > total) {
    throw new ParleyError(
      'BAD_REQUEST',
      `frame bytes ${offset}+${bytes.byteLength} run past the total ${total}`,
    );
  }
  if (bytes.byteLength === 0 && total !== 0) {
    throw new ParleyError('BAD_REQUEST', 'empty frame in a non-empty message');
  }
  return { header: header as FrameHeader, bytes }; // version and flags checked above
}

/** Yields the frames of one payload, building each only when asked (a large payload is never copied whole). */
export function* splitIntoFrames(
  channel: number,
  messageId: number,
  payload: Uint8Array,
): Generator<Uint8Array> {
  if (payload.byteLength > U32_MAX) {
    throw new ParleyError('PAYLOAD_TOO_LARGE', 'payload exceeds 4 GiB');
  }
  const total = payload.byteLength;
  let offset = 0;
  do {
    const bytes = payload.subarray(offset, offset + MAX_FRAME_PAYLOAD_BYTES);
    yield encodeFrame({ channel, messageId, total, offset }, bytes);
    offset += bytes.byteLength;
  } while (offset < total);
}

export interface ReassemblerOptions {
  /** The largest payload accepted. Default 1 MiB. */
  readonly maxMessageBytes?: number;
  /** How many split messages may be incomplete at once. Default 16. */
  readonly maxPartialMessages?: number;
}

export interface ReassembledMessage {
  readonly channel: number;
  readonly payload: Uint8Array;
}

interface Partial {
  readonly channel: number;
  readonly total: number;
  received: number;
  readonly parts: Uint8Array[];
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/**
 * Puts split payloads back together. Memory is bounded: at most `maxPartialMessages` incomplete messages,
 * each holding at most `maxMessageBytes` bytes it actually received (nothing is allocated from a length
 * the peer claims). A bad frame throws and discards the message it belonged to; other messages go on.
 */
export class Reassembler {
  readonly maxMessageBytes: number;
  readonly maxPartialMessages: number;
  readonly #partials = new Map<number, Partial>();

  constructor(options: ReassemblerOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
    this.maxPartialMessages = options.maxPartialMessages ?? 16;
  }

  get partialCount(): number {
    return this.#partials.size;
  }

  /** Takes one frame; returns the message it completes, if any. */
  push(frame: Uint8Array): ReassembledMessage | undefined {
    const { header, bytes } = decodeFrame(frame);
    const { channel, messageId, total, offset } = header;
    if (total > this.maxMessageBytes) {
      this.#partials.delete(messageId);
      throw new ParleyError(
        'PAYLOAD_TOO_LARGE',
        `message of ${total} bytes exceeds the ${this.maxMessageBytes}-byte limit`,
      );
    }
    if (offset === 0) {
      // A frame that is a whole message (every file chunk) costs no lookup while nothing is split.
      if (this.#partials.size !== 0 && this.#partials.delete(messageId)) {
        throw new ParleyError('BAD_REQUEST', `message ${messageId} restarted before it was complete`);
      }
      if (bytes.byteLength === total) return { channel, payload: bytes };
      if (this.#partials.size >= this.maxPartialMessages) {
        throw new ParleyError(
          'PAYLOAD_TOO_LARGE',
          `more than ${this.maxPartialMessages} split messages in flight`,
        );
      }
      this.#partials.set(messageId, { channel, total, received: bytes.byteLength, parts: [bytes.slice()] });
      return undefined;
    }
    const partial = this.#partials.get(messageId);
    if (partial === undefined) {
      throw new ParleyError(
        'BAD_REQUEST',
        `frame at offset ${offset} of message ${messageId}, which never started`,
      );
    }
    if (partial.channel !== channel || partial.total !== total || partial.received !== offset) {
      this.#partials.delete(messageId);
      throw new ParleyError(
        'BAD_REQUEST',
        `frame of message ${messageId} does not continue it (expected offset ${partial.received} of ${partial.total})`,
      );
    }
    partial.parts.push(bytes.slice());
    partial.received += bytes.byteLength;
    if (partial.received < total) return undefined;
    this.#partials.delete(messageId);
    return { channel, payload: concat(partial.parts, total) };
  }

  clear(): void {
    this.#partials.clear();
  }
}
