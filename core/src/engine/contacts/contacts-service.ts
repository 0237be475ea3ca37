import type { Contact } from '../../storage/index.js';
import type { EngineContext } from '../context.js';
import { ensureContact } from '../messaging/effects.js';
import type { RelayConnection } from '../relay/relay-connection.js';
import { addressOfRelayIdentity } from '../shared/addresses.js';
import type { SafetyNumberView, VerificationState } from './types.js';
import type { Verification } from './verification.js';
import { previewContactLink, type ContactLinkPreview } from '../trust/contact-links.js';

const RELAY_PREFIX = 'contact-relay:';

/**
 * `client.contacts`: the contact list, adding contacts from their links (and remembering each one's home
 * relay), usernames, and safety numbers / verification.
 */
export class ContactsService {
  /** Each contact's home relay (from its contact link), where we deposit for it and signal it. */
  readonly relays = new Map<string, string>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly verifier: Verification,
    private readonly home: () => RelayConnection,
  ) {}

  /** Reads the contacts' relays kept in engine state (once, at start). */
  async load(): Promise<void> {
    for (const key of await this.ctx.state.keys(RELAY_PREFIX)) {
      const url = await this.ctx.state.get(key);
      if (typeof url === 'string') this.relays.set(key.slice(RELAY_PREFIX.length), url);
    }
  }

  async list(): Promise<Contact[]> {
    return this.ctx.db.contacts.list();
  }

  /** What `add(link)` would do (trust/contact-links.ts), for the app to confirm first. */
  preview(link: string): Promise<ContactLinkPreview> {
    return previewContactLink(this.ctx, link, (account) => this.relayOf(account));
  }

  /**
   * Adds a contact from a `parley://contact` link and opens the conversation with it. A known contact is
   * returned unchanged: a link anyone can make never replaces its relay or name (one that only wrote to us
   * first, with no relay recorded yet, takes the link's relay).
   */
  async add(link: string): Promise<Contact> {
    const { contact, account, relayUrl, displayName } = await this.preview(link);
    if (contact !== undefined && this.relays.has(account)) return contact;
    await this.ctx.state.put(`${RELAY_PREFIX}${account}`, relayUrl);
    this.relays.set(account, relayUrl);
    return contact ?? ensureContact(this.ctx, account, displayName);
  }

  /** The relay `account` is reached at: the one from its contact link, else this account's home relay. */
  relayOf(account: string): string {
    return this.relays.get(account) ?? this.home().url;
  }

  /** The account registered under `username` on the home relay. */
  async resolveUsername(username: string): Promise<string> {
    const { identity } = await this.home().request('username:resolve', { username });
    return addressOfRelayIdentity(identity).name;
  }

  /** The safety number to compare with `account` (same digits on both sides) and this side's QR payload. */
  async safetyNumber(account: string): Promise<SafetyNumberView> {
    return this.verifier.safetyNumber(account);
  }

  /** Whether a QR payload scanned from the contact's screen matches (then `setVerified(account, true)`). */
  async matchesSafetyQr(account: string, scanned: Uint8Array): Promise<boolean> {
    return this.verifier.matchesSafetyQr(account, scanned);
  }

  /** Records that the user compared safety numbers (true) or withdraws it; emits 'verification'. */
  async setVerified(account: string, verified: boolean): Promise<void> {
    await this.verifier.setVerified(account, verified);
  }

  /** 'unverified', 'verified', or 'changed' (verified, then the identity key changed: warn until re-verified). */
  async verification(account: string): Promise<VerificationState> {
    return this.verifier.state(account);
  }
}
