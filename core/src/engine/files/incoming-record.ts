import { z } from 'zod';
import type { AttachmentCheckpoint, ProtocolAddress } from '../../crypto/index.js';
import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import { ContentSchema } from '../messaging/content.js';
import type { FileBody } from './types.js';

/** Engine-state key prefix of the files this device is receiving over a direct link. */
export const INCOMING_FILE_PREFIX = 'file-in:';

const Base64Url = z.string().regex(/^[A-Za-z0-9_-]*$/);
const FileBodySchema = ContentSchema.shape.body;

const RecordSchema = z.strictObject({
  v: z.literal(1),
  messageId: z.string().min(1).max(128),
  sender: z.strictObject({ name: z.string().min(1).max(128), deviceId: z.number().int().nonnegative() }),
  body: z.unknown(),
  checkpoint: z
    .strictObject({ header: Base64Url, index: z.number().int().nonnegative(), tags: Base64Url })
    .optional(),
  transferChunkSize: z.number().int().positive().optional(),
});

/**
 * What a receiver keeps (in the sealed engine state) while a file comes over a direct link, so the transfer
 * survives a restart of the receiving app: the announcing message's body (its key and transfer id) and
 * the decryption's checkpoint — the attachment chunks already written to the sink, and their tags for the
 * digest. The sender resumes from the transfer chunk that holds the first byte after them.
 */
export interface IncomingFileRecord {
  readonly messageId: string;
  readonly sender: ProtocolAddress;
  readonly body: FileBody;
  readonly checkpoint?: AttachmentCheckpoint;
  /** The transfer's chunk size (its sender's hello said), which a resume counts in. */
  readonly transferChunkSize?: number;
}

export function encodeIncomingRecord(record: IncomingFileRecord): z.infer<typeof RecordSchema> {
  const { checkpoint } = record;
  return {
    v: 1,
    messageId: record.messageId,
    sender: { name: record.sender.name, deviceId: record.sender.deviceId },
    body: record.body,
    ...(record.transferChunkSize === undefined ? {} : { transferChunkSize: record.transferChunkSize }),
    ...(checkpoint === undefined
      ? {}
      : {
          checkpoint: {
            header: toBase64Url(checkpoint.header),
            index: checkpoint.index,
            tags: toBase64Url(checkpoint.tags),
          },
        }),
  };
}

/** The stored record, or undefined if it is not one (then it is dropped). */
export function decodeIncomingRecord(value: unknown): IncomingFileRecord | undefined {
  const parsed = RecordSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const body = FileBodySchema.safeParse(parsed.data.body);
  if (!body.success || body.data.type !== 'file') return undefined;
  const { checkpoint } = parsed.data;
  return {
    messageId: parsed.data.messageId,
    sender: parsed.data.sender,
    body: body.data,
    ...(parsed.data.transferChunkSize === undefined
      ? {}
      : { transferChunkSize: parsed.data.transferChunkSize }),
    ...(checkpoint === undefined
      ? {}
      : {
          checkpoint: {
            header: fromBase64Url(checkpoint.header),
            index: checkpoint.index,
            tags: fromBase64Url(checkpoint.tags),
          },
        }),
  };
}
