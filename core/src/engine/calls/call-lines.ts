import { z } from 'zod';
import type { CallLogEntry } from '../../calls/index.js';
import { CALL_FAILURES } from '../../calls/index.js';
import type { NewMessage, StoredMessage } from '../../storage/index.js';
import { PRIMARY_DEVICE, directConversationId } from '../shared/addresses.js';

/**
 * The line every finished call leaves in its one-to-one conversation, stored like a group-change line: a
 * message `kind: 'call'` this device writes itself (never sent, never unread, not searchable, never the
 * chat list's last message), whose text is the CallLogEntry as JSON. Its sender is whoever placed the call,
 * at the time the call was placed, so it sorts where the call began.
 */
export function callLineMessageId(callId: string): string {
  return `call:${callId}`;
}

export interface CallLineStore {
  insert(message: NewMessage): Promise<'inserted' | 'duplicate'>;
  get(id: string): Promise<StoredMessage | undefined>;
}

/** Writes the line for an ended call; resolves it, or undefined when it was already written. */
export async function recordCallLine(
  messages: CallLineStore,
  self: string,
  entry: CallLogEntry,
  receivedAt: number,
): Promise<StoredMessage | undefined> {
  const outgoing = entry.direction === 'outgoing';
  const line: NewMessage = {
    id: callLineMessageId(entry.callId),
    conversationId: directConversationId(entry.peer),
    sender: { name: outgoing ? self : entry.peer, deviceId: PRIMARY_DEVICE },
    sentAt: entry.startedAt,
    senderCounter: 0,
    receivedAt,
    direction: entry.direction,
    // Never unread, never receipted: nobody sent it.
    state: outgoing ? 'sent' : 'read',
    text: JSON.stringify(entry),
    kind: 'call',
  };
  if ((await messages.insert(line)) === 'duplicate') return undefined;
  return messages.get(line.id);
}

const CallLogEntrySchema = z.object({
  callId: z.string(),
  peer: z.string(),
  direction: z.enum(['outgoing', 'incoming']),
  media: z.enum(['audio', 'video']),
  outcome: z.enum(['answered', 'missed', 'declined', 'busy', 'cancelled', 'failed', 'answered-elsewhere']),
  startedAt: z.number(),
  endedAt: z.number(),
  durationMs: z.number().nonnegative().optional(),
  message: z.string().optional(),
  failure: z.enum(CALL_FAILURES).optional(),
});

/** The call a stored call line describes; undefined for any other message (or a damaged line). */
export function callLineOf(message: Pick<StoredMessage, 'kind' | 'text'>): CallLogEntry | undefined {
  if (message.kind !== 'call') return undefined;
  try {
    const parsed = CallLogEntrySchema.safeParse(JSON.parse(message.text));
    if (!parsed.success) return undefined;
    const { durationMs, message: text, failure, ...rest } = parsed.data;
    return {
      ...rest,
      ...(durationMs !== undefined ? { durationMs } : {}),
      ...(text !== undefined ? { message: text } : {}),
      ...(failure !== undefined ? { failure } : {}),
    };
  } catch {
    return undefined;
  }
}
