import { useId, useRef, useState, type FormEvent } from 'react';
import { formatContactLink } from '@parley/core';
import { useClient, useProfile, useSession } from '../../app/client-context.js';
import type { SurfaceProps } from '../../app/extensions.js';
import { useNavigation } from '../../app/navigation.js';
import { Button } from '../../ui/Button.js';
import { readQrBytes } from '../contact-info/scan-qr.dom.js';
import { describeError } from '../onboarding/errors.js';
import { contactLinkFromQr } from './qr-link.js';
import { FormError, submitOnEnter } from '../../ui/FormError.js';
import './contact-link.css';

/**
 * Adds a contact from a pasted `parley://contact` link, a username on this relay, or a picture of their
 * contact QR code (a screenshot or photo, decoded here), then opens the chat.
 */
export function AddContactDialog({ close }: SurfaceProps) {
  const client = useClient();
  const { live } = useSession();
  const profile = useProfile();
  const { openConversation } = useNavigation();
  const inputId = useId();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const picture = useRef<HTMLInputElement>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const entry = value.trim();
    if (entry === '') return setError('Paste a contact link or type a username');
    void add(entry);
  }

  async function scan(file: File) {
    setError(undefined);
    try {
      const link = contactLinkFromQr(await readQrBytes(file));
      setValue(link);
      await add(link);
    } catch (failure) {
      setError(describeError(failure));
    }
  }

  async function add(entry: string) {
    setBusy(true);
    setError(undefined);
    try {
      let link = entry;
      if (!entry.toLowerCase().startsWith('parley:')) {
        const username = entry.replace(/^@/u, '');
        const account = await client.contacts.resolveUsername(username);
        link = formatContactLink({ account, relayUrl: profile.relayUrl, displayName: username });
      }
      const contact = await client.contacts.add(link);
      live.localChange(); // a known contact's new name is not an engine event
      close();
      openConversation(client.conversations.direct(contact.account));
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  }

  return (
    <form className="add-contact" onSubmit={submit}>
      <label htmlFor={inputId}>Contact link or username</label>
      <textarea
        id={inputId}
        rows={3}
        value={value}
        placeholder="parley://contact?… or @username"
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={submitOnEnter}
      />
      <FormError message={error} />
      <div className="add-contact-actions">
        <Button variant="secondary" disabled={busy} onClick={() => picture.current?.click()}>
          Scan QR code from an image
        </Button>
        <Button type="submit" disabled={busy}>
          {busy ? 'Adding…' : 'Add contact'}
        </Button>
      </div>
      <input
        ref={picture}
        type="file"
        accept="image/*"
        hidden
        aria-label="Picture of a contact QR code"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file !== undefined) void scan(file);
        }}
      />
    </form>
  );
}
