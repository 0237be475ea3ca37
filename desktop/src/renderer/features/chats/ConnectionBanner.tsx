import { useState } from 'react';
import { useClient, useClientEvent } from '../../app/client-context.js';

/** Says so while the home relay is unreachable: messages then wait in the outbox (◷) until it is back. */
export function ConnectionBanner() {
  const client = useClient();
  const [connected, setConnected] = useState(() => client.connected);
  useClientEvent('connected', () => setConnected(client.connected));
  useClientEvent('disconnected', () => setConnected(client.connected));
  if (connected) return null;
  return (
    <p className="connection-banner" role="status">
      Connecting to your relay… Messages you send will leave once it answers.
    </p>
  );
}
