import type { Contact } from '../../storage/index.js';
import type { EngineContext } from '../context.js';
import { syncToOwnDevices } from '../devices/sync.js';
import { ensureContact } from '../messaging/effects.js';
import type { RelayConnection } from '../relay/relay-connection.js';
import { addressOfRelayIdentity } from '../shared/addresses.js';
import { setContactChoice } from './contact-requests.js';
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
    private readonly chosen: {
      /** An accepted contact gets our profile, presence and default timer. */
      welcome(contact: Contact): Promise<void>;
      /** A blocked contact's link closes and it leaves the presence list. */
      blocked(account: string): Promise<void>;
    },
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
    const added = await this.#add(contact, account, relayUrl, displayName);
    // Our other devices know the contact too (linked devices).
    await syncToOwnDevices(this.ctx, { contact: { account, relayUrl, displayName, accepted: true } });
    return added;
  }

  async #add(
    contact: Contact | undefined,
    account: string,
    relayUrl: string,
    displayName: string,
  ): Promise<Contact> {
    if (contact === undefined || !this.relays.has(account)) {
      await this.ctx.state.put(`${RELAY_PREFIX}${account}`, relayUrl);
      this.relays.set(account, relayUrl);
    }
    if (contact === undefined) return ensureContact(this.ctx, account, displayName, true);
    // Adding the link of someone who wrote first accepts their request (a blocked one stays blocked).
    return contact.accepted === false && !contact.blocked ? this.#accept(account) : contact;
  }

  /**
   * A contact another device of ours added, accepted or blocked (a sync message): the same change here,
   * not synced back. The contact's relay is taken only when none is known, as from a link.
   */
  async applySynced(change: {
    account: string;
    relayUrl?: string | undefined;
    displayName?: string | undefined;
    accepted?: boolean | undefined;
    blocked?: boolean | undefined;
  }): Promise<void> {
    const { account } = change;
    if (change.blocked === true) {
      await setContactChoice(this.ctx, account, { accepted: false, blocked: true });
      await this.chosen.blocked(account);
      return;
    }
    if (change.accepted !== true) return;
    const contact = await this.ctx.db.contacts.get(account);
    const relayUrl = change.relayUrl ?? this.relayOf(account);
    if (contact === undefined && change.displayName !== undefined)
      await this.#add(contact, account, relayUrl, change.displayName);
    else if (contact === undefined || contact.accepted === false || contact.blocked)
      await setContactChoice(this.ctx, account, { accepted: true, blocked: false });
  }

  /**
   * Accepts a message request (someone who wrote first; `contact.accepted === false`), or unblocks: from now
   * on the contact gets receipts, our profile and presence, and may open a direct link to this device.
   */
  async accept(account: string): Promise<Contact> {
    this.ctx.assertOpen();
    const contact = await this.#accept(account);
    await syncToOwnDevices(this.ctx, { contact: { account, accepted: true } });
    return contact;
  }

  async #accept(account: string): Promise<Contact> {
    const { contact, changed } = await setContactChoice(this.ctx, account, {
      accepted: true,
      blocked: false,
    });
    if (changed) await this.chosen.welcome(contact);
    return contact;
  }

  /** Blocks an account: its messages are dropped, it gets nothing from us, and its link is closed. */
  async block(account: string): Promise<Contact> {
    this.ctx.assertOpen();
    const { contact } = await setContactChoice(this.ctx, account, { accepted: false, blocked: true });
    await this.chosen.blocked(account);
    await syncToOwnDevices(this.ctx, { contact: { account, blocked: true } });
    return contact;
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
    await syncToOwnDevices(this.ctx, { verified: { account, verified } });
  }

  /** 'unverified', 'verified', or 'changed' (verified, then the identity key changed: warn until re-verified). */
  async verification(account: string): Promise<VerificationState> {
    return this.verifier.state(account);
  }
}
