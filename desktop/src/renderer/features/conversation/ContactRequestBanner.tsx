import { useState } from 'react';
import type { Conversation } from '@parley/core';
import { useClient, useClientEvent } from '../../app/client-context.js';
import { useContacts } from '../../app/data/use-conversations.js';
import { Button } from '../../ui/Button.js';
import { describeError } from '../onboarding/errors.js';
import { FormError } from '../../ui/FormError.js';

/**
 * Above a one-to-one conversation: a message request (someone who wrote first) to accept or block, a blocked
 * contact to unblock, and why a direct link was refused (its signalling did not open: altered on the way).
 */
export function ContactRequestBanner({ conversation }: { conversation: Conversation }) {
  const client = useClient();
  const contacts = useContacts();
  const peer = conversation.kind === 'direct' ? conversation.members[0] : undefined;
  const contact = peer === undefined ? undefined : contacts.get(peer);
  const [refused, setRefused] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  useClientEvent('link-refused', (event) => {
    if (event.conversationId === conversation.id) setRefused(event.error.message);
  });

  const act = (apply: () => Promise<unknown>) => {
    setError(undefined);
    apply().catch((failure: unknown) => setError(describeError(failure)));
  };

  return (
    <>
      {contact?.blocked === true ? (
        <div className="contact-request" role="region" aria-label="Blocked contact">
          <p>You blocked {contact.displayName}. You get nothing from them, and they get nothing from you.</p>
          <Button variant="secondary" onClick={() => act(() => client.contacts.accept(contact.account))}>
            Unblock
          </Button>
        </div>
      ) : contact?.accepted === false ? (
        <div className="contact-request" role="region" aria-label="Message request">
          <p>
            {contact.displayName} is not in your contacts. Until you accept, they cannot connect to your
            device and see no receipts, profile or online status.
          </p>
          <div className="contact-request-actions">
            <Button onClick={() => act(() => client.contacts.accept(contact.account))}>Accept</Button>
            <Button variant="danger" onClick={() => act(() => client.contacts.block(contact.account))}>
              Block
            </Button>
          </div>
        </div>
      ) : null}
      {refused !== undefined && (
        <p className="connection-banner" role="alert">
          Direct connection refused: its setup did not verify ({refused}). Messages still go through the
          relay, end-to-end encrypted.
        </p>
      )}
      <FormError message={error} />
    </>
  );
}
