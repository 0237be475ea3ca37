import { useSyncExternalStore } from 'react';
import type { ConversationSlotProps } from '../../app/extensions.js';
import { useClient } from '../../app/client-context.js';
import { callStore } from './call-store.js';
import { joinGroupCall } from './join-call.dom.js';
import { groupIdOf } from '../groups/group-rules.js';

const CALL_PATH =
  'M17 10.5V7a1 1 0 0 0-1-1H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-3.5l4 4v-11l-4 4z';

/** "Start group call" in a group's header; hidden while this window is already in that group's call. */
export function GroupCallButton({ conversation }: ConversationSlotProps) {
  const client = useClient();
  const call = useSyncExternalStore(callStore.subscribe, callStore.get);
  const groupId = groupIdOf(conversation.id);
  if (groupId === undefined || call?.groupId === groupId) return null;
  return (
    <button
      type="button"
      className="icon-button"
      aria-label="Start group call"
      title="Start group call"
      onClick={() => joinGroupCall(client, groupId)}
    >
      <svg className="icon" width={24} height={24} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d={CALL_PATH} fill="currentColor" />
      </svg>
    </button>
  );
}
