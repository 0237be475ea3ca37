import { ParleyClient, type KeyWrapperSource } from '@parley/core';
import { browserPlatform } from '../platform/browser-platform.dom.js';
import { LiveState } from './live-state.js';
import { DATABASE_NAME, type Profile } from './profile.js';

/** One running client and what the UI keeps beside it; closed together when the person locks or leaves. */
export interface Session {
  readonly client: ParleyClient;
  readonly profile: Profile;
  readonly live: LiveState;
}

export async function startSession(profile: Profile, keyWrapper: KeyWrapperSource): Promise<Session> {
  const client = await ParleyClient.start({
    ...browserPlatform(),
    databaseName: DATABASE_NAME,
    keyWrapper,
    relayUrl: profile.relayUrl,
    displayName: profile.displayName,
  });
  sharePresenceWithContacts(client);
  return { client, profile, live: new LiveState(client) };
}

/**
 * The relay shows this device's presence only to the accounts it names: every contact, re-sent on each
 * (re)connect and whenever a contact is added. SEAM (features/settings): last-seen privacy replaces this call.
 */
function sharePresenceWithContacts(client: ParleyClient): void {
  const share = () => {
    if (client.connected) client.setPresenceVisibility().catch(() => undefined);
  };
  client.on('connected', () => setTimeout(share, 0));
  client.on('contact-added', share);
}

export async function closeSession(session: Session): Promise<void> {
  session.live.close();
  await session.client.close();
}

/** Resolves once the client is authenticated with its home relay (prekeys published), or rejects after `ms`. */
export function whenConnected(client: ParleyClient, ms = 15_000): Promise<void> {
  if (client.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      if (!client.connected) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve();
    }, 100);
    const timer = setTimeout(() => {
      clearInterval(poll);
      reject(new Error('The relay did not answer; check its address and your connection'));
    }, ms);
  });
}
