import { useEffect } from 'react';
import { formatContactLink } from '@parley/core';
import { useClient } from '../../app/client-context.js';
import { useNavigation } from '../../app/navigation.js';
import { desktopShell } from '../../platform/desktop-shell.dom.js';

/**
 * Desktop only: `parley://contact` links the shell received (argv, open-url) add the contact and open the
 * chat. In a browser there is no `window.parley` and this renders nothing.
 */
export function DeepLinkService() {
  const client = useClient();
  const { openConversation } = useNavigation();
  useEffect(() => {
    const api = desktopShell();
    if (api?.onContactLink === undefined || api.takePendingContactLinks === undefined) return;
    const add = (link: { account: string; relayUrl: string; displayName: string }) =>
      void client.contacts.add(formatContactLink(link)).then(
        (contact) => openConversation(client.conversations.direct(contact.account)),
        () => undefined,
      );
    const stop = api.onContactLink(add);
    void api.takePendingContactLinks().then((links) => links.forEach(add));
    return stop;
  }, [client, openConversation]);
  return null;
}
