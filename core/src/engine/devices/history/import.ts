import { ParleyError } from '../../../errors/index.js';
import { fromBase64Url } from '../../../protocol/encoding.js';
import type { ClientDatabase, NewMessage } from '../../../storage/index.js';
import type { EngineStateStore } from '../../shared/state-store.js';
import { HISTORY_STATE_PREFIXES } from './export.js';
import { markMovedFile } from '../attachments/records.js';
import { HistoryCheckpointSchema, type HistoryBatch, type HistoryCheckpoint } from './wire.js';

/** Where this device keeps the checkpoint of a history transfer it receives (engine state). */
export const HISTORY_CHECKPOINT_KEY = 'device-link:history-checkpoint';

export async function loadCheckpoint(state: EngineStateStore): Promise<HistoryCheckpoint | undefined> {
  const stored = await state.get(HISTORY_CHECKPOINT_KEY);
  const parsed = HistoryCheckpointSchema.safeParse(stored);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Stores one history batch on the new device, then its checkpoint. Contacts and conversations this device
 * already has are kept as they are (a name it set wins); messages are inserted by id, so a batch stored
 * twice (a resume just after a break) changes nothing. Attachments arrive as metadata: their files are
 * fetched on demand, so a downloaded one is recorded as 'pending-download' here.
 */
export async function importHistoryBatch(
  db: ClientDatabase,
  state: EngineStateStore,
  batch: HistoryBatch,
): Promise<void> {
  const messages: NewMessage[] = [];
  const unread = new Map<string, number>();
  for (const item of batch.items) {
    switch (item.k) {
      case 'contact': {
        if ((await db.contacts.get(item.account)) !== undefined) break;
        await db.contacts.put({
          account: item.account,
          displayName: item.displayName,
          deviceIds: item.deviceIds,
          addedAt: item.addedAt,
          blocked: item.blocked,
          ...(item.accepted === undefined ? {} : { accepted: item.accepted }),
          ...(item.avatar === undefined ? {} : { avatar: fromBase64Url(item.avatar) }),
        });
        break;
      }
      case 'state': {
        if (!HISTORY_STATE_PREFIXES.some((prefix) => item.key.startsWith(prefix))) {
          throw new ParleyError('BAD_REQUEST', `history: state key ${item.key} is not part of the history`);
        }
        await state.put(item.key, item.value);
        // A file's record comes without its bytes: they are fetched from the sending device later.
        await markMovedFile(state, item.key, item.value);
        break;
      }
      case 'conversation': {
        const { k: _k, ...record } = item;
        await db.conversations.put(compact(record));
        unread.set(item.id, item.unreadCount);
        break;
      }
      case 'message': {
        const { k: _k, editedAt: _edited, deletedAt: _deleted, ...message } = item;
        messages.push(compact(message));
        break;
      }
      case 'attachment': {
        const { k: _k, sha256, key, state: attachmentState, ...rest } = item;
        await db.attachments.put({
          ...compact(rest),
          ...(sha256 === undefined ? {} : { sha256: fromBase64Url(sha256) }),
          key: fromBase64Url(key),
          state: attachmentState === 'downloaded' ? 'pending-download' : attachmentState,
        });
        break;
      }
    }
  }
  if (messages.length > 0) {
    const touched = new Set(messages.map((message) => message.conversationId));
    for (const id of touched) {
      if (!unread.has(id)) unread.set(id, (await db.conversations.get(id))?.unreadCount ?? 0);
    }
    await db.messages.insertMany(messages);
    await applyEdits(db, batch);
    // Inserting counted incoming messages as unread; the sender's count is the truth.
    for (const [id, count] of unread) {
      await db.conversations.update(id, (conversation) => ({ ...conversation, unreadCount: count }));
    }
  }
  await state.put(HISTORY_CHECKPOINT_KEY, batch.next);
}

/** Zod's optional fields are `T | undefined`; the stores' records leave absent fields out. */
type Compact<T> = { [K in keyof T]: Exclude<T[K], undefined> };
function compact<T extends object>(value: T): Compact<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Compact<T>;
}

/** Edits and deletions keep their time, as on the device that had them. */
async function applyEdits(db: ClientDatabase, batch: HistoryBatch): Promise<void> {
  for (const item of batch.items) {
    if (item.k !== 'message') continue;
    if (item.deletedAt !== undefined) await db.messages.deleteForEveryone(item.id, item.deletedAt);
    else if (item.editedAt !== undefined) await db.messages.edit(item.id, item.text, item.editedAt);
  }
}
