import type { ServerPayload } from '../../protocol/events.js';
import type { ClientDatabase } from '../../storage/index.js';
import { isAccepted } from '../contacts/contact-requests.js';
import { PRIMARY_DEVICE, addressOfRelayIdentity, relayIdentityOf } from '../shared/addresses.js';
import type { ParleyClientEvents } from '../events.js';
import type { PresenceVisibility } from '../account/privacy-settings.js';
import type { RelayConnection } from '../relay/relay-connection.js';

export function presenceOf(state: ServerPayload<'presence'>): ParleyClientEvents['presence'] {
  return {
    account: addressOfRelayIdentity(state.identity).name,
    online: state.online,
    ...(state.lastSeen === undefined ? {} : { lastSeen: state.lastSeen }),
  };
}

function relayIdentities(accounts: readonly string[]): string[] {
  return accounts.map((account) => relayIdentityOf({ name: account, deviceId: PRIMARY_DEVICE }));
}

/** Tells the home relay who may see this device online ('contacts': the contact list as it is now). */
export async function applyPresenceVisibility(
  home: RelayConnection,
  db: ClientDatabase,
  { allow, lastSeen }: PresenceVisibility,
): Promise<void> {
  // 'contacts' means the ones the person chose: not message requests from strangers, not blocked accounts.
  const accounts =
    allow === 'contacts' ? (await db.contacts.list()).filter(isAccepted).map((c) => c.account) : allow;
  await home.request('presence:visibility', { allow: relayIdentities(accounts), lastSeen });
}

/**
 * Watches these accounts' presence (replacing the previous list on every ready relay), each on its own
 * home relay; resolves their current states.
 */
export async function subscribePresence(
  relays: Iterable<RelayConnection>,
  relayFor: (account: string) => RelayConnection,
  accounts: readonly string[],
): Promise<ParleyClientEvents['presence'][]> {
  const byRelay = new Map<RelayConnection, string[]>();
  for (const relay of relays) if (relay.ready) byRelay.set(relay, []);
  for (const account of accounts) {
    const relay = relayFor(account);
    byRelay.set(relay, [...(byRelay.get(relay) ?? []), account]);
  }
  const answers = await Promise.all(
    [...byRelay].map(([relay, list]) =>
      relay.request('presence:subscribe', { identities: relayIdentities(list) }),
    ),
  );
  return answers.flatMap(({ presence }) => presence.map(presenceOf));
}
