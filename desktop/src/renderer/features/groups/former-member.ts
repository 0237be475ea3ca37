import type { Conversation, GroupState } from '@parley/core';
import { useClient } from '../../app/client-context.js';
import { formerMemberNotice, groupHeaderLine, groupIdOf } from './group-rules.js';
import { useGroupState, useNameOf } from './use-group.js';

/**
 * For someone no longer in a group: why they cannot send or receive its messages, shown in place of the
 * composer (as WhatsApp does) so there is nothing to type into and no send to fail.
 */
export function useFormerMemberNotice(conversation: Conversation): string | undefined {
  return useGroupLine(conversation, formerMemberNotice);
}

/** The group header's second line: the members as the group's signed state has them now. */
export function useGroupHeaderLine(conversation: Conversation): string | undefined {
  return useGroupLine(conversation, groupHeaderLine);
}

/** A line drawn from a group conversation's signed state; undefined for a direct chat or while loading. */
function useGroupLine(
  conversation: Conversation,
  line: (state: GroupState, self: string, nameOf: (account: string) => string) => string | undefined,
): string | undefined {
  const client = useClient();
  const nameOf = useNameOf();
  const groupId = conversation.kind === 'group' ? groupIdOf(conversation.id) : undefined;
  const { state } = useGroupState(groupId);
  return state === undefined ? undefined : line(state, client.account, nameOf);
}
