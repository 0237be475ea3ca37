import type { ParleyClientEvents } from '../events.js';
import type { RelayConnection } from '../relay/relay-connection.js';
import { PRIMARY_DEVICE, relayIdentityOf } from '../shared/addresses.js';
import { subscribePresence } from './presence.js';

/** `client.presence`: watching contacts' presence and telling a contact we are typing. */
export class PresenceService {
  constructor(
    private readonly relays: () => Iterable<RelayConnection>,
    private readonly relayFor: (account: string) => RelayConnection,
  ) {}

  /** Watches these accounts' presence (replacing the previous list); resolves their current states. */
  async subscribe(accounts: readonly string[]): Promise<ParleyClientEvents['presence'][]> {
    return subscribePresence(this.relays(), this.relayFor, accounts);
  }

  async setTyping(account: string, typing: boolean): Promise<void> {
    await this.relayFor(account).request('typing', {
      to: relayIdentityOf({ name: account, deviceId: PRIMARY_DEVICE }),
      typing,
    });
  }
}
