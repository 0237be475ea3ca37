import type { EngineContext } from '../context.js';
import { formatContactLink } from '../contacts/contact-link.js';
import type { RelayConnection } from '../relay/relay-connection.js';
import type { AccountSettings } from './account-settings.js';
import type { Profile } from './profile.js';

/** `client.profile`: the name and avatar contacts see, this account's contact link, and its username. */
export class ProfileService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly settings: () => AccountSettings,
    private readonly home: () => RelayConnection,
    /** The `displayName` start option, used until a profile is set. */
    private readonly fallbackName: string | undefined,
  ) {}

  /** This account's profile as last set (persisted); undefined before the first `set`. */
  get current(): Profile | undefined {
    return this.settings().profile;
  }

  /** The name contacts see: the profile's, else the `displayName` option, else the account's first characters. */
  get displayName(): string {
    return this.current?.displayName ?? this.fallbackName ?? this.ctx.self.name.slice(0, 8);
  }

  /**
   * Sets the display name and avatar (small image bytes, at most MAX_AVATAR_BYTES: PAYLOAD_TOO_LARGE beyond)
   * and sends them, end-to-end encrypted, to every contact (and later to every new contact).
   */
  async set(profile: Profile): Promise<void> {
    this.ctx.assertOpen();
    await this.settings().setProfile(profile);
  }

  /** A `parley://contact` link others can add this account from. */
  contactLink(): string {
    return formatContactLink({
      account: this.ctx.self.name,
      relayUrl: this.home().url,
      displayName: this.displayName,
    });
  }

  /** Registers (or with null, releases) a username on the home relay. */
  async setUsername(username: string | null): Promise<void> {
    await this.home().request('username:set', { username });
  }
}
