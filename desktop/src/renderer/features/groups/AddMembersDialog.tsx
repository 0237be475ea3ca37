import { useState } from 'react';
import { useClient } from '../../app/client-context.js';
import { useContacts } from '../../app/data/use-conversations.js';
import type { SurfaceProps } from '../../app/extensions.js';
import { Button } from '../../ui/Button.js';
import { ContactPicker } from './ContactPicker.js';
import { describeGroupError, groupIdOf } from './group-rules.js';
import { useGroupState } from './use-group.js';
import { FormError } from '../../ui/FormError.js';

/** "Add members": contacts not yet in the group, with checkboxes. */
export function AddMembersDialog({ params, close }: SurfaceProps) {
  const client = useClient();
  const contacts = useContacts();
  const groupId = groupIdOf(params.conversationId ?? '');
  const { state } = useGroupState(groupId);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  if (groupId === undefined || state === undefined) return <p aria-busy="true" />;

  async function add() {
    if (groupId === undefined) return;
    if (selected.size === 0) return setError('Choose at least one contact');
    setBusy(true);
    setError(undefined);
    try {
      await client.groups.addMembers(groupId, [...selected]);
      close();
    } catch (failure) {
      setError(describeGroupError('add', failure));
      setBusy(false);
    }
  }

  return (
    <div className="add-members">
      <ContactPicker contacts={contacts} selected={selected} onChange={setSelected} exclude={state.members} />
      <FormError message={error} />
      <div className="modal-actions">
        <Button disabled={busy || selected.size === 0} onClick={() => void add()}>
          {busy ? 'Adding…' : 'Add to group'}
        </Button>
      </div>
    </div>
  );
}
