import { useId, useState, type FormEvent } from 'react';
import { useClient } from '../../app/client-context.js';
import { useContacts } from '../../app/data/use-conversations.js';
import type { SurfaceProps } from '../../app/extensions.js';
import { useNavigation } from '../../app/navigation.js';
import { Button } from '../../ui/Button.js';
import { AvatarPicker } from './AvatarPicker.js';
import { ContactPicker } from './ContactPicker.js';
import { describeGroupError, groupIdOf } from './group-rules.js';
import { FormError } from '../../ui/FormError.js';
import './groups.css';

export const GROUP_NAME_MAX = 100;

/** "New group": pick contacts, give the group a name and (optionally) a picture, create, open it. */
export function NewGroupDialog({ close }: SurfaceProps) {
  const client = useClient();
  const contacts = useContacts();
  const { openConversation, openDialog } = useNavigation();
  const nameId = useId();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [name, setName] = useState('');
  const [avatar, setAvatar] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const title = name.trim();
    if (selected.size === 0) return setError('Choose at least one contact');
    if (title === '') return setError('Give the group a name');
    setBusy(true);
    setError(undefined);
    try {
      const conversationId = await client.groups.create(title, [...selected]);
      const groupId = groupIdOf(conversationId);
      if (avatar !== undefined && groupId !== undefined) await client.groups.rename(groupId, title, avatar);
      close();
      openConversation(conversationId);
    } catch (failure) {
      setError(describeGroupError('create', failure));
      setBusy(false);
    }
  }

  return (
    <form className="new-group" onSubmit={(event) => void submit(event)}>
      <AvatarPicker
        name={name}
        seed="new-group"
        image={avatar}
        label={avatar === undefined ? 'Add group picture' : 'Change group picture'}
        onPick={setAvatar}
        busy={busy}
      />
      <label htmlFor={nameId}>Group name</label>
      <input
        id={nameId}
        value={name}
        maxLength={GROUP_NAME_MAX}
        placeholder="Group name"
        onChange={(event) => setName(event.target.value)}
      />
      <p className="new-group-count" aria-live="polite">
        {selected.size === 0
          ? 'Add members'
          : `${selected.size} member${selected.size === 1 ? '' : 's'} selected`}
      </p>
      <ContactPicker contacts={contacts} selected={selected} onChange={setSelected} />
      <FormError message={error} />
      <div className="modal-actions">
        <Button variant="secondary" onClick={() => openDialog('join-group')}>
          Join with a link
        </Button>
        <Button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create group'}
        </Button>
      </div>
    </form>
  );
}
