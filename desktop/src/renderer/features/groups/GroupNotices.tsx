import type { ConversationSlotProps } from '../../app/extensions.js';
import { useClient } from '../../app/client-context.js';
import { formerMemberNotice, groupIdOf } from './group-rules.js';
import { useGroupState, useNameOf } from './use-group.js';
import './groups.css';

/**
 * Inside a group conversation, just above the composer, for someone no longer in the group: why they
 * cannot send or receive its messages. (The changes themselves are lines among the messages.)
 */
export function GroupNotices({ conversation }: ConversationSlotProps) {
  const groupId = conversation.kind === 'group' ? groupIdOf(conversation.id) : undefined;
  if (groupId === undefined) return null;
  return <Notices groupId={groupId} />;
}

function Notices({ groupId }: { groupId: string }) {
  const client = useClient();
  const nameOf = useNameOf();
  const { state } = useGroupState(groupId);
  const former = state === undefined ? undefined : formerMemberNotice(state, client.account, nameOf);
  if (former === undefined) return null;
  return (
    <div className="group-notices">
      <p role="status" className="group-former">
        {former}
      </p>
    </div>
  );
}
