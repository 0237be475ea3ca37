import { useSyncExternalStore } from 'react';
import type { ConversationSlotProps } from '../../app/extensions.js';
import { useAsync, useClient, useClientVersion } from '../../app/client-context.js';
import { groupIdOf } from '../groups/group-rules.js';
import { callStore } from './call-store.js';
import { joinGroupCall } from './join-call.dom.js';

/** "Call in progress — Join" at the top of a group's conversation while its call runs without us. */
export function GroupCallBanner({ conversation }: ConversationSlotProps) {
  const client = useClient();
  const call = useSyncExternalStore(callStore.subscribe, callStore.get);
  const version = useClientVersion(['group-call']);
  const groupId = groupIdOf(conversation.id);
  const { value: active } = useAsync(
    async () => (groupId === undefined ? undefined : await client.groupCalls.active(groupId)),
    [client, groupId, version],
  );
  if (groupId === undefined || active === undefined || call?.groupId === groupId) return null;
  return (
    <div className="group-call-banner" role="status" aria-label="Group call in progress">
      <span>Call in progress</span>
      <button type="button" className="button button-primary" onClick={() => joinGroupCall(client, groupId)}>
        Join
      </button>
    </div>
  );
}
