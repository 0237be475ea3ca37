import { z } from 'zod';
import {
  BinarySchema,
  BlobIdSchema,
  IdentitySchema,
  PublicKeySchema,
  SignatureSchema,
  TimestampSchema,
} from './common.js';
import { LIMITS } from './limits.js';

export const DepositSchema = z.strictObject({
  /** One or many recipients: the relay fans a group message out from a single upload. */
  recipients: z.array(IdentitySchema).min(1).max(LIMITS.maxRecipients),
  payload: BinarySchema.refine((bytes) => bytes.byteLength <= LIMITS.maxBlobBytes, {
    message: `payload must be at most ${LIMITS.maxBlobBytes} bytes`,
    params: { tooBig: true },
  }),
  /** Shorter than the relay's default expiry if the sender wants; never longer. */
  ttlSeconds: z.number().int().positive().optional(),
});

export const DepositResultSchema = z.strictObject({
  id: BlobIdSchema,
  depositedAt: TimestampSchema,
  expiresAt: TimestampSchema,
});

/** Server → recipient. Sealed: it names no sender; the sender is inside the encryption. */
export const IncomingBlobSchema = z.strictObject({
  id: BlobIdSchema,
  payload: BinarySchema,
  depositedAt: TimestampSchema,
  expiresAt: TimestampSchema,
});

export const AckBlobsSchema = z.strictObject({ ids: z.array(BlobIdSchema).min(1).max(LIMITS.maxAckIds) });

/** Server → sender: one recipient acknowledged one blob. Kept until the sender acks the notice. */
export const DeliveryNoticeSchema = z.strictObject({
  id: BlobIdSchema,
  recipient: IdentitySchema,
  deliveredAt: TimestampSchema,
});

export const AckNoticesSchema = z.strictObject({
  notices: z
    .array(z.strictObject({ id: BlobIdSchema, recipient: IdentitySchema }))
    .min(1)
    .max(LIMITS.maxAckIds),
});

export const RecallSchema = z.strictObject({ id: BlobIdSchema });

export const RecallReceiptSchema = z.strictObject({
  blobId: BlobIdSchema,
  recalledFor: z.array(IdentitySchema),
  deliveredTo: z.array(IdentitySchema),
  recalledAt: TimestampSchema,
  relayKey: PublicKeySchema,
  /** Over `recallReceiptMessage(receipt)` by the relay key. */
  signature: SignatureSchema,
});

export type Deposit = z.infer<typeof DepositSchema>;
export type DepositResult = z.infer<typeof DepositResultSchema>;
export type IncomingBlob = z.infer<typeof IncomingBlobSchema>;
export type DeliveryNotice = z.infer<typeof DeliveryNoticeSchema>;
export type RecallReceipt = z.infer<typeof RecallReceiptSchema>;
