import { z } from 'zod';
import type { NewMessage, StoredMessage } from '../../storage/index.js';
import type { EngineContext } from '../context.js';
import { PRIMARY_DEVICE, groupConversationId } from '../shared/addresses.js';
import type { GroupCallActivity, GroupCallLogEntry, GroupCallNotice } from './types.js';

const ACTIVITY_PREFIX = 'group-call:';
const activityKey = (groupId: string) => `${ACTIVITY_PREFIX}${groupId}`;

/** How often a participant tells the members its group's call is still running. */
export const GROUP_CALL_HEARTBEAT_MS = 60_000;
/**
 * A call not heard of for this long (three heartbeats missed) is shown as over: its last participants vanished
 * without announcing the end (a crash, a lost network), and the "Call in progress — Join" banner goes.
 */
export const GROUP_CALL_NOTICE_TTL_MS = 3 * GROUP_CALL_HEARTBEAT_MS;

export function groupCallLineMessageId(callId: string): string {
  return `group-call:${callId}`;
}

const ActivitySchema = z.object({
  groupId: z.string(),
  callId: z.string(),
  startedBy: z.string(),
  startedAt: z.number(),
  // Stored before heartbeats existed: heard of when it started.
  lastHeardAt: z.number().optional(),
  /** The banner was taken down for it (expiry announced once). */
  expired: z.boolean().optional(),
});
type StoredActivity = GroupCallActivity & { readonly expired?: boolean | undefined };

/**
 * The call this device last knew running in the group, even one that has since gone quiet: ending it
 * (`ended`) still writes its line. What the banner shows is `visibleGroupCall`.
 */
export async function groupCallActivity(
  ctx: Pick<EngineContext, 'state'>,
  groupId: string,
): Promise<StoredActivity | undefined> {
  const parsed = ActivitySchema.safeParse(await ctx.state.get(activityKey(groupId)));
  if (!parsed.success) return undefined;
  const { lastHeardAt, expired, ...activity } = parsed.data;
  return { ...activity, lastHeardAt: lastHeardAt ?? activity.startedAt, ...(expired ? { expired } : {}) };
}

const quiet = (activity: GroupCallActivity, now: number) =>
  now - activity.lastHeardAt > GROUP_CALL_NOTICE_TTL_MS;

/** The group's running call as the banner shows it: none once it has not been heard of for the TTL. */
export async function visibleGroupCall(
  ctx: Pick<EngineContext, 'state' | 'now'>,
  groupId: string,
): Promise<GroupCallActivity | undefined> {
  const activity = await groupCallActivity(ctx, groupId);
  if (activity === undefined || quiet(activity, ctx.now())) return undefined;
  const { expired: _expired, ...shown } = activity;
  return shown;
}

/**
 * Takes down the banner of every call that went quiet (run by the client's sweep, so by this device's
 * clock): emits `group-call` once per call with nothing running. The call stays stored, so whoever next
 * finds its room empty still ends it and its line is written.
 */
export async function expireGroupCalls(ctx: Pick<EngineContext, 'state' | 'now' | 'emit'>): Promise<void> {
  for (const key of await ctx.state.keys(ACTIVITY_PREFIX)) {
    const groupId = key.slice(ACTIVITY_PREFIX.length);
    const activity = await groupCallActivity(ctx, groupId);
    if (activity === undefined || activity.expired === true || !quiet(activity, ctx.now())) continue;
    await ctx.state.put(key, { ...activity, expired: true });
    ctx.emit('group-call', { groupId, active: undefined });
  }
}

/**
 * Applies a notice from `author` (a member: the caller checked) about `groupId`'s call: a start becomes the
 * group's running call unless a later one is already known; a heartbeat (`alive`) says it still runs (and
 * brings back the banner of one this device had taken for over, or that it missed the start of, unless its
 * end was already heard); an end clears it (if it is that call or an older one) and writes the call's line
 * once. Emits `group-call` with what is running now.
 */
export async function noteGroupCall(
  ctx: Pick<EngineContext, 'state' | 'db' | 'emit' | 'now' | 'self'>,
  groupId: string,
  author: string,
  notice: GroupCallNotice,
): Promise<void> {
  const current = await groupCallActivity(ctx, groupId);
  const heard = (activity: Omit<GroupCallActivity, 'lastHeardAt'>) =>
    ctx.state.put(activityKey(groupId), { ...activity, lastHeardAt: ctx.now() } satisfies GroupCallActivity);
  if (notice.event === 'started' || notice.event === 'alive') {
    if (current !== undefined && current.callId === notice.callId) {
      if (notice.event === 'started') return;
      await heard({
        groupId,
        callId: current.callId,
        startedBy: current.startedBy,
        startedAt: current.startedAt,
      });
    } else {
      if (current !== undefined && current.startedAt > notice.startedAt) return;
      // A heartbeat of a call whose end this device already wrote down is late news.
      if (notice.event === 'alive' && (await ctx.db.messages.get(groupCallLineMessageId(notice.callId))))
        return;
      // A heartbeat's author is a participant, not necessarily who started it: the best this device knows.
      await heard({ groupId, callId: notice.callId, startedBy: author, startedAt: notice.startedAt });
    }
  } else {
    if (current !== undefined && (current.callId === notice.callId || current.startedAt <= notice.startedAt))
      await ctx.state.delete(activityKey(groupId));
    const startedBy = current?.callId === notice.callId ? current.startedBy : author;
    const line = await recordGroupCallLine(ctx.db.messages, ctx.self.name, groupId, {
      callId: notice.callId,
      startedBy,
      startedAt: notice.startedAt,
      endedAt: Math.max(ctx.now(), notice.startedAt),
    });
    // A line this device wrote itself, like a 1:1 call's: an open conversation shows it at once.
    if (line !== undefined) ctx.emit('message', { message: line, via: 'relay' });
  }
  ctx.emit('group-call', { groupId, active: await visibleGroupCall(ctx, groupId) });
}

interface LineStore {
  insert(message: NewMessage): Promise<'inserted' | 'duplicate'>;
  get(id: string): Promise<StoredMessage | undefined>;
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
): Promise<StoredMessage | undefined> {
  const outgoing = entry.startedBy === self;
  const id = groupCallLineMessageId(entry.callId);
  const inserted = await messages.insert({
    id,
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
  return inserted === 'duplicate' ? undefined : messages.get(id);
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
