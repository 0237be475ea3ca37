import { z } from 'zod';
import { IdentitySchema } from './common.js';

/**
 * Attachments are uploaded over HTTP, not Socket.IO: they are large, resumable and streamed.
 * An attachment is named by the SHA-256 of its ciphertext (lower-case hex), so the relay can check
 * what it stored without learning anything about the plaintext.
 */
export const AttachmentHashSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'attachment id must be a SHA-256 in lower-case hex');

export const ATTACHMENT_DEFAULT_MAX_BYTES = 4 * 1024 * 1024 * 1024;

export const CreateAttachmentSchema = z.strictObject({
  hash: AttachmentHashSchema,
  size: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** Who may download it; it is deleted once every one of them has acknowledged it. */
  recipients: z.array(IdentitySchema).min(1).max(1024),
  ttlSeconds: z.number().int().positive().optional(),
});

export const AttachmentStatusSchema = z.strictObject({
  hash: AttachmentHashSchema,
  size: z.number().int().positive(),
  /** Bytes received so far: an interrupted upload resumes here. */
  offset: z.number().int().nonnegative(),
  complete: z.boolean(),
  expiresAt: z.number().int().nonnegative(),
});

export type CreateAttachment = z.infer<typeof CreateAttachmentSchema>;
export type AttachmentStatus = z.infer<typeof AttachmentStatusSchema>;
