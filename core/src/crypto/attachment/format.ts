import { ParleyError } from '../../errors/index.js';
import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import { readUint32, writeUint32 } from '../bytes.js';

export const ATTACHMENT_VERSION = 1;
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
export const NONCE_PREFIX_LENGTH = 16;
/** version(1) ‖ chunkSize(u32) ‖ nonce prefix(16). */
export const ATTACHMENT_HEADER_LENGTH = 1 + 4 + NONCE_PREFIX_LENGTH;
export const TAG_LENGTH = 16;
const MIN_CHUNK = 1024;
const MAX_CHUNK = 16 * 1024 * 1024;

/** What opens an attachment's chunks: its key and shape. */
export interface AttachmentKeys {
  key: Uint8Array;
  /** Plaintext length in bytes. */
  size: number;
  chunkSize: number;
}

/** What travels inside the ratchet-encrypted message that announces the file. */
export interface AttachmentDescriptor extends AttachmentKeys {
  /** SHA-512(label ‖ header ‖ every chunk's Poly1305 tag)[0..32], checked when the last chunk arrives. */
  digest: Uint8Array;
}

export interface AttachmentHeader {
  chunkSize: number;
  noncePrefix: Uint8Array;
}

export function checkChunkSize(chunkSize: number): void {
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK || chunkSize > MAX_CHUNK) {
    throw new ParleyError(
      'BAD_REQUEST',
      `chunk size must be an integer between ${MIN_CHUNK} and ${MAX_CHUNK}`,
    );
  }
}

export function encodeAttachmentHeader(header: AttachmentHeader): Uint8Array {
  const out = new Uint8Array(ATTACHMENT_HEADER_LENGTH);
  out[0] = ATTACHMENT_VERSION;
  writeUint32(out, 1, header.chunkSize);
  out.set(header.noncePrefix, 5);
  return out;
}

export function parseAttachmentHeader(bytes: Uint8Array, expectedChunkSize: number): AttachmentHeader {
  if (bytes.length < ATTACHMENT_HEADER_LENGTH)
    throw new ParleyError('TRUNCATED', 'attachment header is truncated');
  if (bytes[0] !== ATTACHMENT_VERSION) throw new ParleyError('DECRYPT_FAILED', 'unknown attachment version');
  const chunkSize = readUint32(bytes, 1);
  if (chunkSize !== expectedChunkSize)
    throw new ParleyError('DECRYPT_FAILED', 'attachment chunk size does not match');
  return { chunkSize, noncePrefix: bytes.slice(5, ATTACHMENT_HEADER_LENGTH) };
}

/**
 * nonce(24) = prefix(16) ‖ chunk index(u32) ‖ 0 0 0 ‖ final flag. Binding the index and the "last chunk"
 * flag into the nonce means a moved chunk fails to authenticate and a cut-off file lacks its final chunk.
 */
export function writeChunkNonce(nonce: Uint8Array, index: number, final: boolean): void {
  writeUint32(nonce, NONCE_PREFIX_LENGTH, index);
  nonce[23] = final ? 1 : 0;
}

export function chunkCount(descriptor: Pick<AttachmentDescriptor, 'size' | 'chunkSize'>): number {
  return Math.floor(descriptor.size / descriptor.chunkSize) + 1;
}

export interface SerializedAttachmentDescriptor {
  version: 1;
  key: string;
  /**
   * Absent when the digest trails the file instead (a direct transfer encrypts as it sends, so the digest
   * exists only after the last chunk: it comes sealed under the key, see sealAttachmentDigest).
   */
  digest?: string | undefined;
  size: number;
  chunkSize: number;
}

export function serializeAttachmentDescriptor(
  descriptor: AttachmentDescriptor,
): SerializedAttachmentDescriptor {
  return {
    version: 1,
    key: toBase64Url(descriptor.key),
    digest: toBase64Url(descriptor.digest),
    size: descriptor.size,
    chunkSize: descriptor.chunkSize,
  };
}

/** The key and shape of an attachment whose digest trails it (see SerializedAttachmentDescriptor.digest). */
export function serializeAttachmentKeys(keys: AttachmentKeys): SerializedAttachmentDescriptor {
  return { version: 1, key: toBase64Url(keys.key), size: keys.size, chunkSize: keys.chunkSize };
}

/** A descriptor with or without its digest (a direct transfer's digest trails the file). */
export function deserializeAttachmentKeys(
  data: SerializedAttachmentDescriptor,
): AttachmentKeys & { digest?: Uint8Array } {
  if (data.version !== 1) throw new ParleyError('BAD_REQUEST', 'unknown attachment descriptor version');
  checkChunkSize(data.chunkSize);
  if (!Number.isSafeInteger(data.size) || data.size < 0)
    throw new ParleyError('BAD_REQUEST', 'bad attachment size');
  const key = fromBase64Url(data.key);
  if (key.length !== 32) throw new ParleyError('INVALID_KEY', 'bad attachment key');
  const keys = { key, size: data.size, chunkSize: data.chunkSize };
  if (data.digest === undefined) return keys;
  const digest = fromBase64Url(data.digest);
  if (digest.length !== 32) throw new ParleyError('INVALID_KEY', 'bad attachment digest');
  return { ...keys, digest };
}

export function deserializeAttachmentDescriptor(data: SerializedAttachmentDescriptor): AttachmentDescriptor {
  const { digest, ...keys } = deserializeAttachmentKeys(data);
  if (digest === undefined) throw new ParleyError('INVALID_KEY', 'attachment descriptor without its digest');
  return { ...keys, digest };
}
