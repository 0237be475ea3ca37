import type { EngineContext } from '../context.js';
import { syncToOwnDevices } from '../devices/sync.js';
import type { AccountSettings } from './account-settings.js';
import type { PresenceVisibility, PrivacySettings } from './privacy-settings.js';

/** `client.settings`: the privacy settings (persisted; a start option applies until changed here). */
export class SettingsService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly settings: () => AccountSettings,
  ) {}

  /** The privacy settings in force. */
  get privacy(): PrivacySettings {
    return this.settings().privacy;
  }

  get readReceipts(): boolean {
    return this.privacy.readReceipts;
  }

  /** Turns read receipts on or off from now on (kept across restarts). */
  async setReadReceipts(enabled: boolean): Promise<void> {
    this.ctx.assertOpen();
    await this.settings().setReadReceipts(enabled);
    await syncToOwnDevices(this.ctx, { settings: { readReceipts: enabled } });
  }

  get presenceVisibility(): PresenceVisibility {
    return this.privacy.presence;
  }

  /**
   * Who may see this device online: every contact (default) or the accounts given, and whether they see
   * last-seen times. Kept across restarts and applied again on every connect.
   */
  async setPresenceVisibility(
    options: { allow?: readonly string[]; lastSeen?: boolean } = {},
  ): Promise<void> {
    this.ctx.assertOpen();
    await this.settings().setPresenceVisibility(options);
  }

  /**
   * "Relay-only calls and links" (kept across restarts): links opened from now on use only TURN candidates,
   * hiding this device's IP addresses from contacts; without a TURN server, messages go through the relay.
   */
  async setRelayOnlyLinks(enabled: boolean): Promise<void> {
    this.ctx.assertOpen();
    await this.settings().setRelayOnlyLinks(enabled);
  }

  /** The timer new conversations start with (null: messages stay). */
  get defaultDisappearingTimer(): number | null {
    return this.privacy.defaultDisappearingTimerMs;
  }

  async setDefaultDisappearingTimer(expiresInMs: number | null): Promise<void> {
    this.ctx.assertOpen();
    await this.settings().setDefaultDisappearingTimer(expiresInMs);
  }
}
