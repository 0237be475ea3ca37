import { z } from 'zod';

/*
 * Fetching a file of the moved history from the device that has its bytes (docs/crypto.md "Linking a device",
 * attachments), over the device-link channel: boxed under its keys, direct when the WebRTC path opened. The
 * bytes travel as an attachment (crypto/attachment: a fresh key per fetch, chunks sealed one by one, a digest
 * over every chunk's tag), so the receiving device checks them exactly as it checks any file it receives.
 */

const id = z.string().min(1).max(256);
const b64 = z
  .string()
  .max(2_000_000)
  .regex(/^[A-Za-z0-9_-]*$/);

export const FileRequestSchema = z.strictObject({ t: z.literal('file-request'), id });

export const FileStartSchema = z.strictObject({
  t: z.literal('file-start'),
  id,
  /**
   * The attachment's key and shape (serialised as in a file message sent over a link): the digest is not
   * known before the last chunk, so it trails the file, sealed under the key, as a link transfer's does.
   */
  descriptor: z.strictObject({
    version: z.literal(1),
    key: z.string().max(64),
    size: z.number().int().nonnegative(),
    chunkSize: z.number().int().positive(),
  }),
});

export const FileChunkSchema = z.strictObject({
  t: z.literal('file-chunk'),
  id,
  /** Ciphertext offset: chunks come front to back, each right after the one before. */
  offset: z.number().int().nonnegative(),
  data: b64,
});

/** Every chunk was sent; `trailer` is the attachment digest sealed under the key (sealAttachmentDigest). */
export const FileEndSchema = z.strictObject({ t: z.literal('file-end'), id, trailer: b64 });

/** The device has no bytes for that message (never had them, or its copy is gone). */
export const FileMissingSchema = z.strictObject({
  t: z.literal('file-missing'),
  id,
  reason: z.string().max(256),
});

export const FILE_MESSAGE_SCHEMAS = [
  FileRequestSchema,
  FileStartSchema,
  FileChunkSchema,
  FileEndSchema,
  FileMissingSchema,
] as const;

export type FileStart = z.infer<typeof FileStartSchema>;
export type FileChunk = z.infer<typeof FileChunkSchema>;
