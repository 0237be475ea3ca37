import { ParleyError } from '../../errors/index.js';
import type { EngineStateStore } from '../shared/state-store.js';

/** Who sees this device online and its last-seen time. */
export interface PresenceVisibility {
  /** 'contacts': every contact (the default, following the contact list); otherwise these accounts. */
  readonly allow: 'contacts' | readonly string[];
  /** Whether those who may see presence also see when this device was last online. */
  readonly lastSeen: boolean;
}

/** The privacy choices a user makes in settings; kept (sealed) in the client database. */
export interface PrivacySettings {
  /** Whether senders learn that their messages were read. */
  readonly readReceipts: boolean;
  readonly presence: PresenceVisibility;
  /** The disappearing-message timer new conversations start with; null: messages stay. */
  readonly defaultDisappearingTimerMs: number | null;
  /**
   * "Relay-only calls and links": direct links gather only TURN candidates (ICE policy `relay`), so not even
   * accepted contacts learn this device's IP addresses. Off by default (direct is faster).
   */
  readonly relayOnlyLinks: boolean;
}

const KEY = 'settings:privacy';
/** The longest timer offered: 90 days (the longest choice settings offers, as in other messengers). */
export const MAX_DISAPPEARING_TIMER_MS = 90 * 24 * 60 * 60_000;

export function checkTimer(expiresInMs: number | null): number | null {
  if (expiresInMs === null) return null;
  if (!Number.isSafeInteger(expiresInMs) || expiresInMs < 1_000 || expiresInMs > MAX_DISAPPEARING_TIMER_MS) {
    throw new ParleyError(
      'BAD_REQUEST',
      `a disappearing-message timer is null or between 1 s and ${MAX_DISAPPEARING_TIMER_MS} ms`,
    );
  }
  return expiresInMs;
}

export function checkPresenceVisibility(visibility: PresenceVisibility): PresenceVisibility {
  if (typeof visibility !== 'object' || visibility === null) {
    throw new ParleyError('BAD_REQUEST', 'presence visibility is { allow, lastSeen }');
  }
  if (typeof visibility.lastSeen !== 'boolean')
    throw new ParleyError('BAD_REQUEST', 'lastSeen is true or false');
  const { allow } = visibility;
  if (allow !== 'contacts') {
    if (
      !Array.isArray(allow) ||
      allow.some((account) => typeof account !== 'string' || account.length === 0)
    ) {
      throw new ParleyError('BAD_REQUEST', "allow is 'contacts' or a list of accounts");
    }
    if (allow.length > 10_000) throw new ParleyError('BAD_REQUEST', 'too many accounts in allow');
    return { allow: [...new Set(allow)], lastSeen: visibility.lastSeen };
  }
  return { allow, lastSeen: visibility.lastSeen };
}

/** Loads the stored settings; an option given at start applies only until the user changes the setting. */
export async function loadPrivacySettings(
  state: EngineStateStore,
  defaults: { readReceipts?: boolean },
): Promise<PrivacySettings> {
  const stored = (await state.get(KEY)) as Partial<PrivacySettings> | undefined;
  return {
    readReceipts:
      typeof stored?.readReceipts === 'boolean' ? stored.readReceipts : (defaults.readReceipts ?? true),
    presence:
      stored?.presence !== undefined
        ? checkPresenceVisibility(stored.presence)
        : { allow: 'contacts', lastSeen: true },
    defaultDisappearingTimerMs:
      typeof stored?.defaultDisappearingTimerMs === 'number' ? stored.defaultDisappearingTimerMs : null,
    relayOnlyLinks: stored?.relayOnlyLinks === true,
  };
}

export async function savePrivacySettings(state: EngineStateStore, settings: PrivacySettings): Promise<void> {
  await state.put(KEY, settings);
}
