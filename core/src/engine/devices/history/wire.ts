import { z } from 'zod';

/*
 * History transfer items (docs/crypto.md "Linking a device", history): the existing device's contacts,
 * engine state (groups, timers, verification, file records), conversations, messages and attachment
 * metadata, in batches over the link channel. Byte fields are unpadded base64url. The receiving device
 * validates every item: the sender is the person's own device, but a bug there must not corrupt this one.
 */

const b64 = z
  .string()
  .max(1_000_000)
  .regex(/^[A-Za-z0-9_-]*$/);
const id = z.string().min(1).max(256);
const account = z.string().min(1).max(200);
const time = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const MessageSortKeySchema = z.tuple([time, z.number().int().min(0), account, z.number().int(), id]);

/**
 * Where an export stands: what is sent is everything before this point. Contacts and engine state go first
 * (small), then conversations in id order, each conversation's messages newest first from `before`.
 */
export const HistoryCheckpointSchema = z.strictObject({
  phase: z.enum(['contacts', 'state', 'messages', 'done']),
  /** In 'messages': the conversation being sent (its record went first). */
  conversation: id.optional(),
  /** In 'messages': only messages older than this remain in `conversation`. */
  before: MessageSortKeySchema.optional(),
  /** Messages sent so far (for progress after a resume). */
  sent: z.number().int().min(0),
});

export const ContactItemSchema = z.strictObject({
  k: z.literal('contact'),
  account,
  displayName: z.string().max(1000),
  deviceIds: z.array(z.number().int().min(1)).max(16),
  addedAt: time,
  blocked: z.boolean(),
  accepted: z.boolean().optional(),
  avatar: b64.optional(),
});

export const ConversationItemSchema = z.strictObject({
  k: z.literal('conversation'),
  id,
  kind: z.enum(['direct', 'group']),
  title: z.string().max(1000),
  members: z.array(account).max(10_000),
  lastActivity: time,
  lastMessageId: id.optional(),
  unreadCount: z.number().int().min(0),
  archived: z.boolean(),
  pinned: z.boolean().optional(),
  muted: z.boolean().optional(),
});

export const MessageItemSchema = z.strictObject({
  k: z.literal('message'),
  id,
  conversationId: id,
  sender: z.strictObject({ name: account, deviceId: z.number().int().min(1) }),
  sentAt: time,
  senderCounter: z.number().int().min(0),
  receivedAt: time,
  direction: z.enum(['incoming', 'outgoing']),
  state: z.enum(['received', 'pending', 'sent', 'delivered', 'read', 'failed']),
  text: z.string().max(1_000_000),
  attachmentIds: z.array(id).max(100).optional(),
  replyTo: id.optional(),
  kind: z.enum(['group-change', 'call']).optional(),
  editedAt: time.optional(),
  deletedAt: time.optional(),
});

export const AttachmentItemSchema = z.strictObject({
  k: z.literal('attachment'),
  id,
  messageId: id,
  conversationId: id,
  fileName: z.string().max(1000),
  mimeType: z.string().max(255),
  size: z.number().int().min(0),
  blobId: z.string().max(256).optional(),
  sha256: b64.optional(),
  key: b64,
  state: z.enum(['pending-upload', 'uploaded', 'pending-download', 'downloaded', 'failed']),
});

export const StateItemSchema = z.strictObject({
  k: z.literal('state'),
  key: z.string().min(1).max(512),
  value: z.unknown(),
});

export const HistoryItemSchema = z.discriminatedUnion('k', [
  ContactItemSchema,
  ConversationItemSchema,
  MessageItemSchema,
  AttachmentItemSchema,
  StateItemSchema,
]);

export const MAX_BATCH_ITEMS = 5000;

export const HistoryBatchSchema = z.strictObject({
  t: z.literal('history-batch'),
  seq: z.number().int().min(0),
  items: z.array(HistoryItemSchema).max(MAX_BATCH_ITEMS),
  /** Where the export stands once this batch is stored: the receiver's checkpoint. */
  next: HistoryCheckpointSchema,
  /** Messages in the whole history, counted when the export started. */
  total: z.number().int().min(0),
});

export type HistoryCheckpoint = z.infer<typeof HistoryCheckpointSchema>;
export type HistoryItem = z.infer<typeof HistoryItemSchema>;
export type HistoryBatch = z.infer<typeof HistoryBatchSchema>;
export type MessageItem = z.infer<typeof MessageItemSchema>;
