import { ParleyError } from '../../errors/index.js';
import type { Contact } from '../../storage/index.js';
import { isAccepted } from '../contacts/contact-requests.js';
import { directConversationId } from '../shared/addresses.js';
import type { EngineContext } from '../context.js';
import type { ParleyClientEvents } from '../events.js';
import { groupConversationId } from '../shared/addresses.js';
import {
  checkPresenceVisibility,
  checkTimer,
  loadPrivacySettings,
  savePrivacySettings,
  type PresenceVisibility,
  type PrivacySettings,
} from './privacy-settings.js';
import { syncToOwnDevices } from '../devices/sync.js';
import { loadProfile, parseProfile, profileBody, saveProfile, sendProfile, type Profile } from './profile.js';

export interface AccountSettingsHooks {
  /** Sends the presence visibility to the home relay (when it is connected). */
  applyPresence(presence: PresenceVisibility): Promise<void>;
  /** Sets a conversation's disappearing timer and tells the other side. */
  setTimer(conversationId: string, expiresInMs: number): Promise<void>;
  /** Something was queued in the outbox. */
  kick(): void;
  /**
   * Relay-only was turned on: every open direct data link closes, so each re-forms under the new transport
   * policy, and a call in progress moves its media to the TURN server.
   */
  relayOnlyTurnedOn(): void;
}

/**
 * What the user sets about their own account: the profile contacts see, and the privacy settings. Both are
 * sealed engine state; a new contact is greeted with the profile, presence and the default timer.
 */
export class AccountSettings {
  private constructor(
    private readonly ctx: EngineContext,
    private readonly hooks: AccountSettingsHooks,
    private current: { profile: Profile | undefined; privacy: PrivacySettings },
  ) {}

  static async load(
    ctx: EngineContext,
    hooks: AccountSettingsHooks,
    defaults: { readReceipts?: boolean },
  ): Promise<AccountSettings> {
    return new AccountSettings(ctx, hooks, {
      profile: await loadProfile(ctx.state),
      privacy: await loadPrivacySettings(ctx.state, defaults),
    });
  }

  get profile(): Profile | undefined {
    return this.current.profile;
  }

  get privacy(): PrivacySettings {
    return this.current.privacy;
  }

  async setProfile(profile: Profile): Promise<void> {
    const checked = await this.adoptProfile(profile);
    await sendProfile(this.ctx, checked, await this.ctx.db.contacts.list());
    // The same person on every device of ours (linked devices).
    await syncToOwnDevices(this.ctx, { profile: profileBody(checked) });
    this.hooks.kick();
  }

  /** Our profile as another device of ours set it (a sync message): kept here, not sent again. */
  async adoptProfile(profile: Profile): Promise<Profile> {
    const checked = parseProfile(profile);
    await saveProfile(this.ctx.state, checked);
    this.current = { ...this.current, profile: checked };
    return checked;
  }

  async setReadReceipts(enabled: boolean): Promise<void> {
    if (typeof enabled !== 'boolean') throw new ParleyError('BAD_REQUEST', 'read receipts are on or off');
    await this.#save({ ...this.privacy, readReceipts: enabled });
  }

  async setPresenceVisibility(options: { allow?: readonly string[]; lastSeen?: boolean }): Promise<void> {
    const presence = checkPresenceVisibility({
      allow: options.allow ?? 'contacts',
      lastSeen: options.lastSeen ?? true,
    });
    await this.#save({ ...this.privacy, presence });
    await this.hooks.applyPresence(presence);
  }

  async setRelayOnlyLinks(enabled: boolean): Promise<void> {
    if (typeof enabled !== 'boolean') throw new ParleyError('BAD_REQUEST', 'relay-only links are on or off');
    const turningOn = enabled && !this.privacy.relayOnlyLinks;
    await this.#save({ ...this.privacy, relayOnlyLinks: enabled });
    // A link or call opened before used every candidate and may go straight to the contact, who then keeps
    // seeing our address: links go now and re-form through TURN, a call restarts ICE with relay candidates only.
    if (turningOn) this.hooks.relayOnlyTurnedOn();
  }

  async setDefaultDisappearingTimer(expiresInMs: number | null): Promise<void> {
    await this.#save({ ...this.privacy, defaultDisappearingTimerMs: checkTimer(expiresInMs) });
  }

  /** Greets what the engine's events announce: a new contact, and a group this device just created. */
  observe<K extends keyof ParleyClientEvents>(event: K, payload: ParleyClientEvents[K]): Promise<void> {
    // A message request is greeted only once accepted (ContactsService.accept): a stranger learns nothing.
    if (event === 'contact-added' && isAccepted(payload as Contact)) return this.welcome(payload as Contact);
    if (event === 'group') {
      const { state } = payload as ParleyClientEvents['group'];
      if (state.version === 1 && state.changedBy === this.ctx.self.name) {
        return this.welcomeGroup(groupConversationId(state.groupId));
      }
    }
    return Promise.resolve();
  }

  /** The contact list changed who may see our presence ('contacts' follows it): tell the relay again. */
  async contactsChanged(): Promise<void> {
    const { presence } = this.current.privacy;
    if (presence.allow === 'contacts') await this.hooks.applyPresence(presence);
  }

  /** A new contact gets our profile, sees our presence (if contacts may), and the default timer. */
  async welcome(contact: Contact): Promise<void> {
    const { profile, privacy } = this.current;
    if (profile !== undefined) await sendProfile(this.ctx, profile, [contact]);
    if (privacy.presence.allow === 'contacts') await this.hooks.applyPresence(privacy.presence);
    const timer = privacy.defaultDisappearingTimerMs;
    const conversationId = directConversationId(contact.account);
    if (timer !== null && (await this.ctx.state.get(`timer:${conversationId}`)) === undefined) {
      await this.hooks.setTimer(conversationId, timer);
    }
    this.hooks.kick();
  }

  /** A group this device just created starts with the default timer too. */
  async welcomeGroup(conversationId: string): Promise<void> {
    const timer = this.privacy.defaultDisappearingTimerMs;
    if (timer !== null && (await this.ctx.state.get(`timer:${conversationId}`)) === undefined) {
      await this.hooks.setTimer(conversationId, timer);
    }
  }

  async #save(privacy: PrivacySettings): Promise<void> {
    await savePrivacySettings(this.ctx.state, privacy);
    this.current = { ...this.current, privacy };
  }
}
