import { useId, useState, type FormEvent } from 'react';
import { formatContactLink } from '@parley/core';
import { useClient, useProfile, useSession } from '../../app/client-context.js';
import type { SurfaceProps } from '../../app/extensions.js';
import { useNavigation } from '../../app/navigation.js';
import { Button } from '../../ui/Button.js';
import { describeError } from '../onboarding/errors.js';
import './contact-link.css';

/** Adds a contact from a pasted `parley://contact` link or a username on this relay, then opens the chat. */
export function AddContactDialog({ close }: SurfaceProps) {
  const client = useClient();
  const { live } = useSession();
  const profile = useProfile();
  const { openConversation } = useNavigation();
  const inputId = useId();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const entry = value.trim();
    if (entry === '') return setError('Paste a contact link or type a username');
    setBusy(true);
    setError(undefined);
    try {
      let link = entry;
      if (!entry.toLowerCase().startsWith('parley:')) {
        const username = entry.replace(/^@/u, '');
        const account = await client.resolveUsername(username);
        link = formatContactLink({ account, relayUrl: profile.relayUrl, displayName: username });
      }
      const contact = await client.addContact(link);
      live.localChange(); // a known contact's new name is not an engine event
      close();
      openConversation(client.directConversation(contact.account));
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  }

  return (
    <form className="add-contact" onSubmit={(event) => void submit(event)}>
      <label htmlFor={inputId}>Contact link or username</label>
      <textarea
        id={inputId}
        rows={3}
        value={value}
        placeholder="parley://contact?… or @username"
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey) {
            event.preventDefault();
            event.currentTarget.form?.requestSubmit();
          }
        }}
      />
      {error !== undefined && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      <Button type="submit" disabled={busy}>
        {busy ? 'Adding…' : 'Add contact'}
      </Button>
    </form>
  );
}
