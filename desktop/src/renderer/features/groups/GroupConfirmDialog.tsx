import { useClient } from '../../app/client-context.js';
import type { SurfaceProps } from '../../app/extensions.js';
import { ConfirmAction } from '../../ui/ConfirmAction.js';
import { describeGroupError, groupIdOf } from './group-rules.js';
import { useGroupState, useNameOf } from './use-group.js';

/** Asks before what cannot be undone by the person alone: removing a member, exiting, resetting the link. */
export function GroupConfirmDialog({ params, close }: SurfaceProps) {
  const client = useClient();
  const nameOf = useNameOf();
  const groupId = groupIdOf(params.conversationId ?? '');
  const { state } = useGroupState(groupId);
  const action = params.action;
  const account = params.account ?? '';
  if (groupId === undefined || state === undefined) return <p aria-busy="true" />;

  const question =
    action === 'remove'
      ? `Remove ${nameOf(account)} from “${state.name}”?`
      : action === 'leave'
        ? `Exit “${state.name}”? You will no longer receive its messages.`
        : 'Reset the invite link? The current link will stop working.';
  const confirmLabel = action === 'remove' ? 'Remove' : action === 'leave' ? 'Exit group' : 'Reset link';

  return (
    <ConfirmAction
      question={question}
      confirmLabel={confirmLabel}
      onConfirm={async () => {
        if (action === 'remove') await client.groups.removeMember(groupId, account);
        else if (action === 'leave') await client.groups.leave(groupId);
        else await client.groups.resetInvite(groupId);
      }}
      describeError={(failure) =>
        describeGroupError(
          action === 'remove' ? 'remove' : action === 'leave' ? 'leave' : 'reset-invite',
          failure,
        )
      }
      close={close}
    />
  );
}
