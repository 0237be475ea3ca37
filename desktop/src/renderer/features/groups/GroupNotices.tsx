import type { ConversationSlotProps } from '../../app/extensions.js';
import { useClient } from '../../app/client-context.js';
import { useChangeLines } from './ChangeLogService.js';
import { formerMemberNotice, groupIdOf } from './group-rules.js';
import { useGroupState, useNameOf } from './use-group.js';
import './groups.css';

/** How many of this session's change lines show above the composer. */
const SHOWN_LINES = 4;

/**
 * Inside a group conversation, just above the composer: the latest group changes as system lines ("Ann
 * removed Cat"), and for someone no longer in the group, why they cannot send or receive its messages.
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
  const lines = useChangeLines(groupId).slice(-SHOWN_LINES);
  const former = state === undefined ? undefined : formerMemberNotice(state, client.account, nameOf);
  if (lines.length === 0 && former === undefined) return null;
  return (
    <div className="group-notices">
      {lines.length > 0 && (
        <ul className="group-change-lines" aria-label="Group changes">
          {lines.map((line) => (
            <li key={line.id} className="system-line">
              <span>{line.text}</span>
            </li>
          ))}
        </ul>
      )}
      {former !== undefined && (
        <p role="status" className="group-former">
          {former}
        </p>
      )}
    </div>
  );
}
