import { useId, useState, type FormEvent } from 'react';
import { useClient, useClientEvent, useSession } from '../../app/client-context.js';
import type { SurfaceProps } from '../../app/extensions.js';
import { useNavigation } from '../../app/navigation.js';
import { Button } from '../../ui/Button.js';
import { describeGroupError, groupIdOf } from './group-rules.js';
import { FormError, submitOnEnter } from '../../ui/FormError.js';
import './groups.css';

/**
 * Join a group from a pasted `parley://group?…` invite link. The engine asks the inviting admin, who adds
 * us while the link is current; the group opens when its state arrives (the admin must be online).
 */
export function JoinGroupDialog({ close }: SurfaceProps) {
  const client = useClient();
  const { live } = useSession();
  const { openConversation } = useNavigation();
  const inputId = useId();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [waitingFor, setWaitingFor] = useState<string | undefined>();

  useClientEvent('group', ({ state }) => {
    if (waitingFor === undefined || groupIdOf(waitingFor) !== state.groupId) return;
    if (!state.members.includes(client.account)) return;
    close();
    openConversation(waitingFor);
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const link = value.trim();
    if (link === '') return setError('Paste a group invite link');
    setError(undefined);
    try {
      const conversationId = await client.groups.join(link);
      live.localChange(); // the inviting admin may be a new contact
      const groupId = groupIdOf(conversationId);
      if (groupId !== undefined && (await client.groups.isMember(groupId, client.account))) {
        close();
        openConversation(conversationId);
        return;
      }
      setWaitingFor(conversationId);
    } catch (failure) {
      setError(describeGroupError('join', failure));
    }
  }

  return (
    <form className="join-group" onSubmit={(event) => void submit(event)}>
      <label htmlFor={inputId}>Group invite link</label>
      <textarea
        id={inputId}
        rows={3}
        value={value}
        placeholder="parley://group?…"
        disabled={waitingFor !== undefined}
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={submitOnEnter}
      />
      <FormError message={error} />
      {waitingFor !== undefined ? (
        <p role="status" className="hint">
          Request sent. The group opens as soon as its admin adds you (they need to be online).
        </p>
      ) : (
        <Button type="submit">Join group</Button>
      )}
    </form>
  );
}
