import { useLive } from '../../app/client-context.js';

/**
 * Says so while the home relay is unreachable, and what still works: chats with a direct link keep
 * delivering; everything else waits in the outbox (◷) until the relay answers again.
 */
export function ConnectionBanner() {
  const state = useLive((live) =>
    live.relayConnected ? 'connected' : live.directCount() > 0 ? 'direct' : 'waiting',
  );
  if (state === 'connected') return null;
  return (
    <p className="connection-banner" role="status">
      {state === 'direct'
        ? 'Your relay can’t be reached. Chats marked Direct still deliver; other messages wait on this device and leave when the relay is back.'
        : 'Your relay can’t be reached. Messages you send wait on this device and leave when it’s back.'}
    </p>
  );
}
