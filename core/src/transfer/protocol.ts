import { z } from 'zod';
import { ParleyError } from '../errors/index.js';
import { MAX_FRAME_PAYLOAD_BYTES, readUint32 } from '../link/framing.js';

/**
 * The file transfer protocol, one payload per message on the link's transfer channel.
 *
 * Control messages are a 0x01 byte then UTF-8 JSON:
 *   eager  sender → receiver  {t:'eager', id, chunks}           right before a new transfer's first hello
 *                                                               only: chunks [0, chunks) follow the hello at
 *                                                               once, before any ack (TransferSession holds
 *                                                               them). A message of its own, not a field of
 *                                                               the hello, so that a receiver that predates
 *                                                               it drops it and still takes the hello
 *   hello  sender → receiver  {t:'hello', id, size, chunkSize, window?}  on every (re)attach; window:
 *                                                               the sender's, so acks come often enough;
 *                                                               a receiver that already finished it (even
 *                                                               in an earlier run) answers ack(all) + done
 *   ack    receiver → sender  {t:'ack', id, next, window?, took?}  chunks [0, next) are written
 *                                                               (cumulative); took: the answer to a hello
 *                                                               announced by `eager`, whose chunks are taken
 *                                                               (in order, behind the hello): the sender
 *                                                               goes on from where it is; without it the
 *                                                               sender starts again from next
 *   trailer sender → receiver {t:'trailer', id, value}          after the last chunk, when the file's check
 *                                                               value exists only once it was all read
 *   done   receiver → sender  {t:'done', id, ok, reason?}       all written, the hash check ran, and
 *                                                               (ok) the receiver kept the file: the
 *                                                               sender may forget the transfer
 *   cancel either way         {t:'cancel', id, reason}
 *
 * A chunk is a 0x02 byte, the id's length (u8) and ASCII bytes, the chunk index as two big-endian u32
 * (high, low: indices go past 2^32 for large files with small chunks), then the bytes. Chunk i covers
 * bytes [i × chunkSize, min((i + 1) × chunkSize, size)). Everything here is peer input and is checked.
 */
export const CONTROL_TAG = 0x01;
export const CHUNK_TAG = 0x02;
const MAX_CONTROL_BYTES = 1024;
const MAX_ID_LENGTH = 64;
/** Tag, id length, the longest id and the index. */
export const MAX_CHUNK_HEADER_BYTES = 1 + 1 + MAX_ID_LENGTH + 8;
/** The default chunk fills exactly one 16 KiB link frame. */
export const DEFAULT_CHUNK_BYTES = MAX_FRAME_PAYLOAD_BYTES - MAX_CHUNK_HEADER_BYTES;
const TWO_POW_32 = 0x1_0000_0000;
/**
 * The most chunks a sender may send behind a new transfer's first hello before any ack (`eager`): 4 MiB of
 * default chunks. A receiver holds them until the file's message is opened (TransferSession), within its own
 * smaller budget per link.
 */
export const MAX_EAGER_CHUNKS = 256;

export const TransferIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'transfer id must be 1-64 base64url characters');
const SizeSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const ChunkSizeSchema = z
  .number()
  .int()
  .min(1)
  .max(16 * 1024 * 1024);

export const TransferControlSchema = z.discriminatedUnion('t', [
  z.strictObject({
    t: z.literal('hello'),
    id: TransferIdSchema,
    size: SizeSchema,
    chunkSize: ChunkSizeSchema,
    window: z.number().int().min(1).max(1_000_000).optional(),
  }),
  z.strictObject({
    t: z.literal('eager'),
    id: TransferIdSchema,
    chunks: z.number().int().min(1).max(MAX_EAGER_CHUNKS),
  }),
  z.strictObject({
    t: z.literal('ack'),
    id: TransferIdSchema,
    next: SizeSchema,
    window: z.number().int().min(1).max(1_000_000).optional(),
    took: z.literal(true).optional(),
  }),
  z.strictObject({
    t: z.literal('trailer'),
    id: TransferIdSchema,
    value: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'trailer is 1-256 base64url characters'),
  }),
  z.strictObject({
    t: z.literal('done'),
    id: TransferIdSchema,
    ok: z.boolean(),
    reason: z.string().max(256).optional(),
  }),
  z.strictObject({ t: z.literal('cancel'), id: TransferIdSchema, reason: z.string().max(256) }),
]);

export type TransferControl = z.infer<typeof TransferControlSchema>;

export interface TransferChunk {
  readonly t: 'chunk';
  readonly id: string;
  readonly index: number;
  readonly bytes: Uint8Array;
}

export type TransferMessage = TransferControl | TransferChunk;

export function encodeTransferMessage(message: TransferMessage): Uint8Array {
  const parts = encodeTransferMessageParts(message);
  if (parts.length === 1 && parts[0] !== undefined) return parts[0];
  let length = 0;
  for (const part of parts) length += part.byteLength;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** The id last encoded: a sender encodes the same id for every chunk. */
let lastId: { id: string; bytes: Uint8Array } | undefined;

/** A transfer id's bytes on the wire (checked against the id alphabet), cached for the next chunk. */
export function encodeChunkId(id: string): Uint8Array {
  if (lastId?.id !== id) lastId = { id, bytes: new TextEncoder().encode(TransferIdSchema.parse(id)) };
  return lastId.bytes;
}

/** Bytes of a chunk's header with an id of `idBytes` (from encodeChunkId). */
export function chunkHeaderLength(idBytes: Uint8Array): number {
  return 10 + idBytes.byteLength;
}

/**
 * Writes a chunk's header (tag, id, index) into `out` at `at`; returns where the chunk's bytes go. Every
 * byte of the header is written, so `out` may be memory that held an earlier chunk.
 */
export function writeChunkHeader(out: Uint8Array, at: number, idBytes: Uint8Array, index: number): number {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new ParleyError('BAD_REQUEST', `chunk index ${index} is not a safe integer`);
  }
  out[at] = CHUNK_TAG;
  out[at + 1] = idBytes.byteLength;
  out.set(idBytes, at + 2);
  const indexAt = at + 2 + idBytes.byteLength;
  // Big-endian u32 high, u32 low, byte by byte: no DataView per chunk.
  const high = Math.floor(index / TWO_POW_32);
  const low = index % TWO_POW_32;
  for (let byte = 0; byte < 4; byte += 1) {
    const shift = 24 - 8 * byte;
    out[indexAt + byte] = (high >>> shift) & 0xff;
    out[indexAt + 4 + byte] = (low >>> shift) & 0xff;
  }
  return indexAt + 8;
}

/**
 * A message as parts to be sent one after the other: a chunk is its small header and its bytes, untouched,
 * so the link copies them once, into the frame (FramedLink.send takes parts).
 */
export function encodeTransferMessageParts(message: TransferMessage): Uint8Array[] {
  if (message.t !== 'chunk') {
    const json = new TextEncoder().encode(JSON.stringify(message));
    const out = new Uint8Array(1 + json.byteLength);
    out[0] = CONTROL_TAG;
    out.set(json, 1);
    return [out];
  }
  const id = encodeChunkId(message.id);
  const header = new Uint8Array(chunkHeaderLength(id));
  writeChunkHeader(header, 0, id, message.index);
  return [header, message.bytes];
}

/** The id last decoded, with its bytes: a receiver decodes the same id for every chunk. */
let lastDecoded: { bytes: Uint8Array; id: string } | undefined;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** A chunk's id as text, if every byte is one of the id alphabet (A-Z a-z 0-9 _ -). */
function decodeId(bytes: Uint8Array): string | undefined {
  if (lastDecoded !== undefined && sameBytes(lastDecoded.bytes, bytes)) return lastDecoded.id;
  const id = decodeIdBytes(bytes);
  if (id !== undefined) lastDecoded = { bytes: bytes.slice(), id };
  return id;
}

function decodeIdBytes(bytes: Uint8Array): string | undefined {
  let id = '';
  for (const byte of bytes) {
    const ok =
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      (byte >= 0x30 && byte <= 0x39) ||
      byte === 0x5f ||
      byte === 0x2d;
    if (!ok) return undefined;
    id += String.fromCharCode(byte);
  }
  return id;
}

function bad(reason: string): ParleyError {
  return new ParleyError('BAD_REQUEST', `malformed transfer message: ${reason}`);
}

/** Parses one transfer message from the peer; throws BAD_REQUEST saying what is wrong. */
export function decodeTransferMessage(payload: Uint8Array): TransferMessage {
  const tag = payload[0];
  if (tag === CONTROL_TAG) {
    if (payload.byteLength > MAX_CONTROL_BYTES) throw bad(`control message of ${payload.byteLength} bytes`);
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload.subarray(1)));
    } catch {
      throw bad('control message is not UTF-8 JSON');
    }
    const parsed = TransferControlSchema.safeParse(json);
    if (!parsed.success) throw bad(z.prettifyError(parsed.error));
    return parsed.data;
  }
  if (tag === CHUNK_TAG) {
    const idLength = payload[1];
    if (idLength === undefined || idLength < 1 || idLength > MAX_ID_LENGTH) throw bad('chunk id length');
    if (payload.byteLength < 10 + idLength) throw bad('chunk shorter than its header');
    // Every chunk passes here: the id is checked byte by byte rather than through the schema.
    const id = decodeId(payload.subarray(2, 2 + idLength));
    if (id === undefined) throw bad('chunk id');
    // Byte by byte, as encodeTransferMessageParts writes it: no DataView per chunk.
    const index = readUint32(payload, 2 + idLength) * TWO_POW_32 + readUint32(payload, 6 + idLength);
    if (!Number.isSafeInteger(index)) throw bad('chunk index beyond 2^53');
    return { t: 'chunk', id, index, bytes: payload.subarray(10 + idLength) };
  }
  throw bad(tag === undefined ? 'empty' : `unknown tag ${tag}`);
}

/** How many chunks a file of `size` bytes has. */
export function chunkCount(size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize);
}

/** The byte range of chunk `index`. Offsets stay below 2^53 because size does. */
export function chunkRange(
  index: number,
  size: number,
  chunkSize: number,
): { offset: number; length: number } {
  const offset = index * chunkSize;
  return { offset, length: Math.max(0, Math.min(chunkSize, size - offset)) };
}
