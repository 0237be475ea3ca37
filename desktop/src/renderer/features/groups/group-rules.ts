import { groupChangeBetween, isParleyError, type GroupChange, type GroupState } from '@parley/core';
import { errorText } from '../../ui/error-text.js';

/*
 * What the group screens decide without touching the DOM: who may do what, how members are listed, what a
 * change says in the conversation, and how a refusal reads. The engine enforces the same rules (every
 * member validates a change against its author's role); these only decide what the screen offers.
 */

const GROUP_PREFIX = 'group:';

/** The group id inside a group conversation's id (`group:<id>`), or undefined for any other conversation. */
export function groupIdOf(conversationId: string): string | undefined {
  if (!conversationId.startsWith(GROUP_PREFIX)) return undefined;
  const id = conversationId.slice(GROUP_PREFIX.length);
  return id === '' ? undefined : id;
}

export type GroupRole = 'admin' | 'member' | 'former';

export function roleOf(state: GroupState, account: string): GroupRole {
  if (!state.members.includes(account)) return 'former';
  return state.admins.includes(account) ? 'admin' : 'member';
}

/** What the group info panel offers `self` for the group as a whole. */
export interface GroupAbilities {
  /** Change name and picture, add members, reset the invite link. */
  readonly manage: boolean;
  /** Exit the group (any member, admin or not). */
  readonly leave: boolean;
  /** Send messages and see the member list as a participant. */
  readonly participate: boolean;
}

export function groupAbilities(state: GroupState, self: string): GroupAbilities {
  const role = roleOf(state, self);
  return { manage: role === 'admin', leave: role !== 'former', participate: role !== 'former' };
}

/** What an admin's menu on one member row offers. Nothing on our own row, nothing for non-admins. */
export interface MemberActions {
  readonly makeAdmin: boolean;
  readonly remove: boolean;
}

export function memberActions(state: GroupState, self: string, member: string): MemberActions {
  if (member === self || roleOf(state, self) !== 'admin' || !state.members.includes(member)) {
    return { makeAdmin: false, remove: false };
  }
  return { makeAdmin: !state.admins.includes(member), remove: true };
}

export interface MemberRow {
  readonly account: string;
  readonly name: string;
  readonly admin: boolean;
  readonly self: boolean;
}

/** Members as the panel lists them: ourselves first ("You"), then admins, then everyone else, by name. */
export function memberRows(
  state: GroupState,
  self: string,
  nameOf: (account: string) => string,
): MemberRow[] {
  const rows = state.members.map((account) => ({
    account,
    name: account === self ? 'You' : nameOf(account),
    admin: state.admins.includes(account),
    self: account === self,
  }));
  const rank = (row: MemberRow) => (row.self ? 0 : row.admin ? 1 : 2);
  return rows.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) ||
      a.account.localeCompare(b.account),
  );
}

/** A name for an account that is not a contact: the start of its key, so two strangers stay distinct. */
export function strangerName(account: string): string {
  return `~${account.slice(0, 8)}`;
}

/**
 * The lines a conversation shows for one group change (WhatsApp's grey system lines): who created, added,
 * removed, left, made an admin, renamed, changed the picture or reset the invite link. The engine stores
 * each accepted change as a line (`groupChangeOf`); its first line for a group is the creation, or us
 * being added.
 */
export function describeChange(
  change: GroupChange,
  self: string,
  nameOf: (account: string) => string,
): string[] {
  const who = (account: string) => (account === self ? 'You' : nameOf(account));
  const whom = (account: string) => (account === self ? 'you' : nameOf(account));
  const author = who(change.by);
  if (change.first) {
    return change.by !== self
      ? [`${author} added you to “${change.name}”`]
      : [`${author} created group “${change.name}”`];
  }
  const lines: string[] = [];
  for (const member of change.removed) {
    lines.push(member === change.by ? `${who(member)} left` : `${author} removed ${whom(member)}`);
  }
  if (change.added.length > 0) lines.push(`${author} added ${listOf(change.added.map(whom))}`);
  for (const admin of change.admins) {
    lines.push(
      admin === self ? `${author} made you a group admin` : `${author} made ${whom(admin)} a group admin`,
    );
  }
  if (change.renamed) lines.push(`${author} changed the group name to “${change.name}”`);
  if (change.picture !== undefined) {
    lines.push(
      change.picture === 'removed'
        ? `${author} removed the group picture`
        : `${author} changed the group picture`,
    );
  }
  if (change.inviteReset) lines.push(`${author} reset the group invite link`);
  return lines;
}

/** The lines for the change from `before` (undefined: the first state seen) to `after`. */
export function describeGroupChange(
  before: GroupState | undefined,
  after: GroupState,
  self: string,
  nameOf: (account: string) => string,
): string[] {
  const change = groupChangeBetween(before, after);
  return change === undefined ? [] : describeChange(change, self, nameOf);
}

/** The banner a person sees in a group they are no longer part of. */
export function formerMemberNotice(
  state: GroupState,
  self: string,
  nameOf: (account: string) => string,
): string | undefined {
  if (state.members.includes(self)) return undefined;
  return state.changedBy === self
    ? 'You left this group. You can’t send or receive its messages.'
    : `${nameOf(state.changedBy)} removed you. You can’t send or receive this group’s messages.`;
}

/**
 * A group header's second line from the group's signed state: its members by name with "You" last, or, for
 * someone no longer in it, that they are not (the members they last saw are no longer theirs to know).
 */
export function groupHeaderLine(
  state: GroupState,
  self: string,
  nameOf: (account: string) => string,
): string {
  if (!state.members.includes(self)) return 'You’re no longer a member of this group';
  const names = state.members.filter((account) => account !== self).map(nameOf);
  return [...names.sort((a, b) => a.localeCompare(b)), 'You'].join(', ');
}

export type GroupAction =
  | 'rename'
  | 'picture'
  | 'add'
  | 'remove'
  | 'make-admin'
  | 'invite'
  | 'reset-invite'
  | 'leave'
  | 'create'
  | 'join';

const REFUSED: Record<GroupAction, string> = {
  rename: 'Only group admins can change the group name.',
  picture: 'Only group admins can change the group picture.',
  add: 'Only group admins can add members.',
  remove: 'Only group admins can remove members.',
  'make-admin': 'Only group admins can make someone an admin.',
  invite: 'Only group admins can invite with a link.',
  'reset-invite': 'Only group admins can reset the invite link.',
  leave: 'You are no longer a member of this group.',
  create: 'The group could not be created.',
  join: 'That invite link was refused.',
};

/** A sentence for the person when a group action failed; an admin-only action refused says so plainly. */
export function describeGroupError(action: GroupAction, error: unknown): string {
  if (isParleyError(error)) {
    if (error.code === 'ACCESS_DENIED') return REFUSED[action];
    if (action === 'join' && error.code === 'BAD_REQUEST')
      return 'That is not a Parley group invite link (it starts with parley://group?).';
    return errorText(error);
  }
  return errorText(error);
}

function listOf(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}
