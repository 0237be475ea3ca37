import { z } from 'zod';
import type { NewMessage, StoredMessage } from '../../storage/index.js';
import type { EngineContext } from '../context.js';
import { PRIMARY_DEVICE, groupConversationId } from '../shared/addresses.js';
import type { GroupCallActivity, GroupCallLogEntry, GroupCallNotice } from './types.js';

const activityKey = (groupId: string) => `group-call:${groupId}`;

export function groupCallLineMessageId(callId: string): string {
  return `group-call:${callId}`;
}

const ActivitySchema = z.object({
  groupId: z.string(),
  callId: z.string(),
  startedBy: z.string(),
  startedAt: z.number(),
});

export async function groupCallActivity(
  ctx: Pick<EngineContext, 'state'>,
  groupId: string,
): Promise<GroupCallActivity | undefined> {
  const parsed = ActivitySchema.safeParse(await ctx.state.get(activityKey(groupId)));
  return parsed.success ? parsed.data : undefined;
}

/**
 * Applies a notice from `author` (a member: the caller checked) about `groupId`'s call: a start becomes the
 * group's running call unless a later one is already known; an end clears it (if it is that call or an
 * older one) and writes the call's line once. Emits `group-call` with what is running now.
 */
export async function noteGroupCall(
  ctx: Pick<EngineContext, 'state' | 'db' | 'emit' | 'now' | 'self'>,
  groupId: string,
  author: string,
  notice: GroupCallNotice,
): Promise<void> {
  const current = await groupCallActivity(ctx, groupId);
  if (notice.event === 'started') {
    if (current !== undefined && (current.callId === notice.callId || current.startedAt > notice.startedAt))
      return;
    await ctx.state.put(activityKey(groupId), {
      groupId,
      callId: notice.callId,
      startedBy: author,
      startedAt: notice.startedAt,
    } satisfies GroupCallActivity);
  } else {
    if (current !== undefined && (current.callId === notice.callId || current.startedAt <= notice.startedAt))
      await ctx.state.delete(activityKey(groupId));
    const startedBy = current?.callId === notice.callId ? current.startedBy : author;
    await recordGroupCallLine(ctx.db.messages, ctx.self.name, groupId, {
      callId: notice.callId,
      startedBy,
      startedAt: notice.startedAt,
      endedAt: Math.max(ctx.now(), notice.startedAt),
    });
  }
  ctx.emit('group-call', { groupId, active: await groupCallActivity(ctx, groupId) });
}

interface LineStore {
  insert(message: NewMessage): Promise<'inserted' | 'duplicate'>;
}

/**
 * The line a finished group call leaves in the group's conversation, stored like a 1:1 call line (never sent,
 * never unread, not searchable, never the last message): its sender is whoever started the call, at the time
 * it started, so it sorts where the call began. Written once per call, however many members report the end.
 */
async function recordGroupCallLine(
  messages: LineStore,
  self: string,
  groupId: string,
  entry: GroupCallLogEntry,
): Promise<void> {
  const outgoing = entry.startedBy === self;
  await messages.insert({
    id: groupCallLineMessageId(entry.callId),
    conversationId: groupConversationId(groupId),
    sender: { name: entry.startedBy, deviceId: PRIMARY_DEVICE },
    sentAt: entry.startedAt,
    senderCounter: 0,
    receivedAt: entry.endedAt,
    direction: outgoing ? 'outgoing' : 'incoming',
    state: outgoing ? 'sent' : 'read',
    text: JSON.stringify(entry),
    kind: 'group-call',
  });
}

const LogEntrySchema = z.object({
  callId: z.string(),
  startedBy: z.string(),
  startedAt: z.number(),
  endedAt: z.number(),
});

/** The group call a stored line describes; undefined for any other message. */
export function groupCallLineOf(
  message: Pick<StoredMessage, 'kind' | 'text'>,
): GroupCallLogEntry | undefined {
  if (message.kind !== 'group-call') return undefined;
  try {
    const parsed = LogEntrySchema.safeParse(JSON.parse(message.text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
