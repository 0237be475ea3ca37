import { useState } from 'react';
import { useClient } from '../../app/client-context.js';
import type { SurfaceProps } from '../../app/extensions.js';
import { Button } from '../../ui/Button.js';
import { describeGroupError, groupIdOf } from './group-rules.js';
import { useGroupState, useNameOf } from './use-group.js';

/** Asks before what cannot be undone by the person alone: removing a member, exiting, resetting the link. */
export function GroupConfirmDialog({ params, close }: SurfaceProps) {
  const client = useClient();
  const nameOf = useNameOf();
  const groupId = groupIdOf(params.conversationId ?? '');
  const { state } = useGroupState(groupId);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
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

  async function confirm() {
    if (groupId === undefined) return;
    setBusy(true);
    setError(undefined);
    try {
      if (action === 'remove') await client.groups.removeMember(groupId, account);
      else if (action === 'leave') await client.groups.leave(groupId);
      else await client.groups.resetInvite(groupId);
      close();
    } catch (failure) {
      setError(
        describeGroupError(
          action === 'remove' ? 'remove' : action === 'leave' ? 'leave' : 'reset-invite',
          failure,
        ),
      );
      setBusy(false);
    }
  }

  return (
    <div className="group-confirm">
      <p>{question}</p>
      {error !== undefined && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <Button variant="secondary" onClick={close}>
          Cancel
        </Button>
        <Button variant="danger" disabled={busy} onClick={() => void confirm()}>
          {confirmLabel}
        </Button>
      </div>
    </div>
  );
}
