import { z } from 'zod';
import type { AttachmentKeys, ProtocolAddress } from '../../crypto/index.js';
import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import type { PreparedFile } from './attachment-stream.js';
import type { FileSourceDescriptor } from './file-io.js';

/** Engine-state key prefix of the files this device is sending over a direct link. */
export const OUTGOING_FILE_PREFIX = 'file-out:';

const Base64Url = z.string().regex(/^[A-Za-z0-9_-]*$/);

const RecordSchema = z.strictObject({
  v: z.literal(1),
  messageId: z.string().min(1).max(128),
  transferId: z.string().min(1).max(64),
  recipient: z.strictObject({ name: z.string().min(1).max(128), deviceId: z.number().int().nonnegative() }),
  key: Base64Url,
  size: z.number().int().nonnegative(),
  chunkSize: z.number().int().positive(),
  header: Base64Url,
  /** How the platform opens the file again; absent for bytes in memory, which a restart loses. */
  source: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

/**
 * What a sender keeps (in the sealed engine state) while a file goes over a direct link, so the transfer
 * survives an app restart: the message and transfer ids, the attachment key and header (the same key and
 * nonces give the same ciphertext, so the receiver's checkpoint stays valid), and how to reopen the file.
 * Where to resume is the receiver's to say: its first ack on the next link is the checkpoint.
 */
export interface OutgoingFileRecord {
  readonly messageId: string;
  readonly transferId: string;
  readonly recipient: ProtocolAddress;
  readonly prepared: PreparedFile;
  readonly source?: FileSourceDescriptor;
}

export function encodeOutgoingRecord(record: OutgoingFileRecord): z.infer<typeof RecordSchema> {
  const { keys, header } = record.prepared;
  return {
    v: 1,
    messageId: record.messageId,
    transferId: record.transferId,
    recipient: { name: record.recipient.name, deviceId: record.recipient.deviceId },
    key: toBase64Url(keys.key),
    size: keys.size,
    chunkSize: keys.chunkSize,
    header: toBase64Url(header),
    ...(record.source === undefined ? {} : { source: { ...record.source } }),
  };
}

/** The stored record, or undefined if it is not one (then it is dropped). */
export function decodeOutgoingRecord(
  value: unknown,
  ciphertextSize: (size: number, chunkSize: number) => number,
): OutgoingFileRecord | undefined {
  const parsed = RecordSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const data = parsed.data;
  const keys: AttachmentKeys = { key: fromBase64Url(data.key), size: data.size, chunkSize: data.chunkSize };
  const source = data.source;
  return {
    messageId: data.messageId,
    transferId: data.transferId,
    recipient: data.recipient,
    prepared: {
      keys,
      header: fromBase64Url(data.header),
      ciphertextSize: ciphertextSize(data.size, data.chunkSize),
    },
    ...(source === undefined || typeof source.kind !== 'string'
      ? {}
      : { source: { ...source, kind: source.kind } }),
  };
}
