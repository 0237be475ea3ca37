import { useEffect, useState } from 'react';
import { formatContactLink, type ContactLinkPreview } from '@parley/core';
import { useClient } from '../../app/client-context.js';
import { useNavigation } from '../../app/navigation.js';
import { desktopShell } from '../../platform/desktop-shell.dom.js';
import { Button } from '../../ui/Button.js';
import { Modal } from '../../ui/Modal.js';

/**
 * Desktop only: `parley://contact` links the shell received (argv, open-url). Anyone can make such a link
 * and any web page can open one, so nothing is added until the user confirms, and a contact we know keeps
 * its name and relay (the engine never changes them from a link). In a browser there is no `window.parley`
 * and this renders nothing.
 */
export function DeepLinkService() {
  const client = useClient();
  const { openConversation } = useNavigation();
  const [asking, setAsking] = useState<{ link: string; preview: ContactLinkPreview }[]>([]);
  useEffect(() => {
    const api = desktopShell();
    if (api?.onContactLink === undefined || api.takePendingContactLinks === undefined) return;
    const ask = (parts: { account: string; relayUrl: string; displayName: string }) => {
      const link = formatContactLink(parts);
      void client.contacts.preview(link).then(
        (preview) => setAsking((queue) => [...queue, { link, preview }]),
        () => undefined,
      );
    };
    const stop = api.onContactLink(ask);
    void api.takePendingContactLinks().then((links) => links.forEach(ask));
    return stop;
  }, [client]);
  const [current] = asking;
  if (current === undefined) return null;
  const { preview } = current;
  const done = () => setAsking((queue) => queue.slice(1));
  const confirm = () => {
    done();
    void client.contacts.add(current.link).then(
      (contact) => openConversation(client.conversations.direct(contact.account)),
      () => undefined,
    );
  };
  const known = preview.contact;
  return (
    <Modal title={known === undefined ? 'Add contact?' : 'Already a contact'} onClose={done}>
      {known === undefined ? (
        <p>
          Add <strong>{preview.displayName}</strong> ({preview.account.slice(0, 12)}…), reached through{' '}
          {preview.relayUrl}?
        </p>
      ) : (
        <p>
          <strong>{known.displayName}</strong> is already a contact.
          {preview.nameChanged || preview.relayChanged
            ? ` This link gives another ${[preview.nameChanged && 'name', preview.relayChanged && 'relay'].filter(Boolean).join(' and ')}; it is not used.`
            : ''}
        </p>
      )}
      <div className="modal-actions">
        <Button variant="secondary" onClick={done}>
          Cancel
        </Button>
        <Button onClick={confirm}>{known === undefined ? 'Add contact' : 'Open chat'}</Button>
      </div>
    </Modal>
  );
}
