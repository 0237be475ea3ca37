import type { NewMessage, StoredMessage } from '../../storage/index.js';
import { PRIMARY_DEVICE, groupConversationId } from '../shared/addresses.js';
import type { GroupState } from '../messaging/content.js';
import type { EngineContext } from '../context.js';

/**
 * What one accepted group change did, as the line a group's conversation shows for it ("Ann removed Cat").
 * Accounts, not names: the screen names them (and says "you") when it draws the line.
 */
export interface GroupChange {
  readonly groupId: string;
  readonly version: number;
  /** The admin (or leaving member) who made the change. */
  readonly by: string;
  /** The first state of this group this device saw: it was created here, or someone added us. */
  readonly first: boolean;
  /** The group's name after the change. */
  readonly name: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Members who became admins. */
  readonly admins: readonly string[];
  readonly renamed: boolean;
  readonly picture?: 'changed' | 'removed';
  readonly inviteReset: boolean;
}

/** The change from `before` (undefined: none seen yet) to `after`; undefined when nothing a person sees changed. */
export function groupChangeBetween(
  before: GroupState | undefined,
  after: GroupState,
): GroupChange | undefined {
  const base = { groupId: after.groupId, version: after.version, by: after.changedBy, name: after.name };
  if (before === undefined) {
    return { ...base, first: true, added: [], removed: [], admins: [], renamed: false, inviteReset: false };
  }
  const change: GroupChange = {
    ...base,
    first: false,
    added: after.members.filter((member) => !before.members.includes(member)),
    removed: before.members.filter((member) => !after.members.includes(member)),
    admins: after.admins.filter((admin) => !before.admins.includes(admin)),
    renamed: after.name !== before.name,
    ...(after.avatar === before.avatar
      ? {}
      : { picture: after.avatar === undefined ? ('removed' as const) : ('changed' as const) }),
    inviteReset: after.inviteToken !== before.inviteToken,
  };
  const visible =
    change.added.length > 0 ||
    change.removed.length > 0 ||
    change.admins.length > 0 ||
    change.renamed ||
    change.picture !== undefined ||
    change.inviteReset;
  return visible ? change : undefined;
}

/** The id of the line for a group's version: one per version, so a repeat of the change writes nothing. */
export function groupChangeMessageId(groupId: string, version: number): string {
  return `group-change:${groupId}:${version}`;
}

/** The change a stored group-change line describes; undefined for any other message (or a damaged line). */
export function groupChangeOf(message: Pick<StoredMessage, 'kind' | 'text'>): GroupChange | undefined {
  if (message.kind !== 'group-change') return undefined;
  try {
    const parsed = JSON.parse(message.text) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const change = parsed as Partial<GroupChange>;
    const accounts = (value: unknown) =>
      Array.isArray(value) && value.every((item) => typeof item === 'string');
    if (
      typeof change.groupId !== 'string' ||
      typeof change.version !== 'number' ||
      typeof change.by !== 'string' ||
      typeof change.name !== 'string' ||
      !accounts(change.added) ||
      !accounts(change.removed) ||
      !accounts(change.admins)
    )
      return undefined;
    return change as GroupChange;
  } catch {
    return undefined;
  }
}

/**
 * Writes the line for an accepted change into the group's conversation, at the time and counter its author
 * made it with (so it sorts among the author's messages like any message of theirs). Local only: never sent, never unread. Resolves
 * the stored line, or undefined when the change showed nothing or its line was already written.
 */
export async function recordGroupChange(
  ctx: EngineContext,
  before: GroupState | undefined,
  after: GroupState,
  at: { readonly sentAt: number; readonly counter: number },
): Promise<StoredMessage | undefined> {
  const change = groupChangeBetween(before, after);
  if (change === undefined) return undefined;
  const line: NewMessage = {
    id: groupChangeMessageId(after.groupId, after.version),
    conversationId: groupConversationId(after.groupId),
    sender: { name: after.changedBy, deviceId: PRIMARY_DEVICE },
    sentAt: at.sentAt,
    senderCounter: at.counter,
    receivedAt: ctx.now(),
    direction: after.changedBy === ctx.self.name ? 'outgoing' : 'incoming',
    // Never unread, never receipted: nobody sent it.
    state: after.changedBy === ctx.self.name ? 'sent' : 'read',
    text: JSON.stringify(change),
    kind: 'group-change',
  };
  if ((await ctx.db.messages.insert(line)) === 'duplicate') return undefined;
  return ctx.db.messages.get(line.id);
}
