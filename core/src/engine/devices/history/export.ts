import { toBase64Url } from '../../../protocol/encoding.js';
import type { ClientDatabase, StoredMessage } from '../../../storage/index.js';
import type { EngineStateStore } from '../../shared/state-store.js';
import type { HistoryCheckpoint, HistoryItem } from './wire.js';

/**
 * Engine state that belongs to the history and moves with it: groups (with members, admins and invite
 * secrets), disappearing timers, contacts' relays, verified keys, message kinds and file records (media
 * metadata). Not moved: outbox, receipts owed, prekey ledgers, profile and settings (this device's own).
 */
export const HISTORY_STATE_PREFIXES = [
  'group:',
  'timer:',
  'contact-relay:',
  'verified:',
  'message-kind:',
  'file:',
] as const;

export interface ExportOptions {
  /** Roughly how many bytes of JSON one batch may hold. */
  readonly batchBytes: number;
  /** Messages read per database page (a page is read only when the batch needs more). */
  readonly pageSize?: number;
}

export interface ExportBatch {
  readonly items: HistoryItem[];
  readonly next: HistoryCheckpoint;
}

/** A rough JSON size of an item, without serialising it twice. */
function sizeOf(item: HistoryItem): number {
  return item.k === 'message' ? 260 + item.text.length * 1.1 : 400;
}

function messageItem(message: StoredMessage): HistoryItem {
  return {
    k: 'message',
    id: message.id,
    conversationId: message.conversationId,
    sender: { name: message.sender.name, deviceId: message.sender.deviceId },
    sentAt: message.sentAt,
    senderCounter: message.senderCounter,
    receivedAt: message.receivedAt,
    direction: message.direction,
    state: message.state,
    text: message.text,
    ...(message.attachmentIds === undefined ? {} : { attachmentIds: [...message.attachmentIds] }),
    ...(message.replyTo === undefined ? {} : { replyTo: message.replyTo }),
    ...(message.kind === undefined ? {} : { kind: message.kind }),
    ...(message.editedAt === undefined ? {} : { editedAt: message.editedAt }),
    ...(message.deletedAt === undefined ? {} : { deletedAt: message.deletedAt }),
  };
}

/** How many messages an export from scratch sends (for progress). */
export async function countHistory(db: ClientDatabase): Promise<number> {
  return db.messages.count();
}

/**
 * The history from `from` on, as batches of about `batchBytes`, read lazily: the next page of messages is
 * read only when the consumer asks for the next batch, so memory stays one batch and one page whatever the
 * history's size. Each batch says where the export stands after it; a receiver that stored it keeps that as
 * its checkpoint and a later export resumes there. Items near a checkpoint may be sent twice (a conversation
 * record, or nothing): storing them is idempotent.
 */
export async function* exportHistory(
  db: ClientDatabase,
  state: EngineStateStore,
  from: HistoryCheckpoint | undefined,
  options: ExportOptions,
): AsyncGenerator<ExportBatch> {
  const pageSize = options.pageSize ?? 500;
  let checkpoint: HistoryCheckpoint = from ?? { phase: 'contacts', sent: 0 };
  let items: HistoryItem[] = [];
  let bytes = 0;
  const full = () => bytes >= options.batchBytes;
  const take = (next: HistoryCheckpoint): ExportBatch => {
    const batch = { items, next };
    items = [];
    bytes = 0;
    checkpoint = next;
    return batch;
  };
  const push = (item: HistoryItem) => {
    items.push(item);
    bytes += sizeOf(item);
  };

  if (checkpoint.phase === 'contacts') {
    for (const contact of await db.contacts.list()) {
      push({
        k: 'contact',
        account: contact.account,
        displayName: contact.displayName,
        deviceIds: [...contact.deviceIds],
        addedAt: contact.addedAt,
        blocked: contact.blocked,
        ...(contact.accepted === undefined ? {} : { accepted: contact.accepted }),
        ...(contact.avatar === undefined ? {} : { avatar: toBase64Url(contact.avatar) }),
      });
    }
    yield take({ phase: 'state', sent: checkpoint.sent });
  }
  if (checkpoint.phase === 'state') {
    for (const prefix of HISTORY_STATE_PREFIXES) {
      for (const key of await state.keys(prefix)) {
        const value = await state.get(key);
        if (value !== undefined) push({ k: 'state', key, value });
        if (full()) yield take({ phase: 'state', sent: checkpoint.sent });
      }
    }
    yield take({ phase: 'messages', sent: checkpoint.sent });
  }
  if (checkpoint.phase !== 'messages') return;

  const conversations = (await db.conversations.listRecent(Number.MAX_SAFE_INTEGER)).sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  let sent = checkpoint.sent;
  const resumeAt = checkpoint.conversation;
  for (const conversation of conversations) {
    if (resumeAt !== undefined && conversation.id < resumeAt) continue;
    let before = conversation.id === resumeAt ? checkpoint.before : undefined;
    if (before === undefined) {
      push({
        k: 'conversation',
        id: conversation.id,
        kind: conversation.kind,
        title: conversation.title,
        members: [...conversation.members],
        lastActivity: conversation.lastActivity,
        ...(conversation.lastMessageId === undefined ? {} : { lastMessageId: conversation.lastMessageId }),
        unreadCount: conversation.unreadCount,
        archived: conversation.archived,
        ...(conversation.pinned === undefined ? {} : { pinned: conversation.pinned }),
        ...(conversation.muted === undefined ? {} : { muted: conversation.muted }),
      });
    }
    for (;;) {
      const page = await db.messages.page(conversation.id, {
        limit: pageSize,
        ...(before === undefined ? {} : { before }),
      });
      for (const message of page.messages) {
        push(messageItem(message));
        sent += 1;
        for (const attachment of message.attachmentIds === undefined
          ? []
          : await db.attachments.forMessage(message.id)) {
          push({
            k: 'attachment',
            id: attachment.id,
            messageId: attachment.messageId,
            conversationId: attachment.conversationId,
            fileName: attachment.fileName,
            mimeType: attachment.mimeType,
            size: attachment.size,
            ...(attachment.blobId === undefined ? {} : { blobId: attachment.blobId }),
            ...(attachment.sha256 === undefined ? {} : { sha256: toBase64Url(attachment.sha256) }),
            key: toBase64Url(attachment.key),
            state: attachment.state,
          });
        }
        before = [...message.sortKey] as HistoryCheckpoint['before'];
        if (full()) {
          yield take({ phase: 'messages', conversation: conversation.id, before, sent });
        }
      }
      if (page.nextCursor === undefined) break;
    }
  }
  yield take({ phase: 'done', sent });
}
