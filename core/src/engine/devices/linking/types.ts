import type { CryptoBackend } from '../../../crypto/backend/backend.js';
import type { IdentityKeyPair } from '../../../crypto/index.js';
import type { ParleyError } from '../../../errors/index.js';
import type { LinkTimers, WebRtcImplementation } from '../../../link/options.js';
import type { IceServer } from '../../../protocol/auth.js';
import type { SignedDeviceList } from '../../../protocol/devices.js';
import type { ClientDatabase } from '../../../storage/index.js';
import type { EngineStateStore } from '../../shared/state-store.js';
import type { HistoryProgress } from '../history/transfer.js';
import type { MessageFileOpener } from '../attachments/serve.js';

/** What both sides of a device link use from the engine; injected, so core tests can drive them directly. */
export interface LinkingDeps {
  readonly backend: CryptoBackend;
  readonly randomBytes: (length: number) => Uint8Array;
  readonly now: () => number;
  /** This device's identity: the joiner's is the key the account will list. */
  readonly identity: IdentityKeyPair;
  readonly db: ClientDatabase;
  readonly state: EngineStateStore;
  readonly timers: LinkTimers;
  /** Sends a frame to the device with identity `to` as a relay signal of kind 'device-link'. */
  sendSignal(to: string, linkId: string, frame: Uint8Array): Promise<void>;
  readonly wrtc?: WebRtcImplementation | undefined;
  iceServers(): readonly IceServer[] | undefined;
  /** How long the direct path may take to open before the relay carries the history. */
  readonly directTimeoutMs: number;
  /**
   * On the new device, once the welcome's list is verified to name it: makes this device the account's
   * (the multi-device engine's `adoptLinkedDevice`). Read at welcome time, so it may be set later.
   */
  adopt(list: SignedDeviceList): Promise<void>;
  /**
   * On the existing device: whether a device (identity key, base64url) is still listed for the account. A
   * resume from one that was unlinked is refused, whatever secret it holds.
   */
  isListed(device: string): Promise<boolean>;
  /** On the existing device: the bytes it keeps of a message's file, served to our device that asks. */
  openStoredFile: MessageFileOpener;
}

/** Where a link attempt stands, on either screen. */
export type LinkPhase =
  | 'waiting' // host: payload shown; joiner: hello sent
  | 'comparing' // both: the short code is on screen
  | 'linked' // the account listed the new device; history may follow
  | 'transferring'
  | 'done'
  | 'declined'
  | 'failed';

export interface LinkEvents {
  [event: string]: unknown;
  phase: LinkPhase;
  /** The short code to compare, and the new device's key (host) — shown on both screens. */
  code: { readonly shortCode: string; readonly device: string };
  linked: {
    readonly account: string;
    readonly deviceId: number;
    readonly list: SignedDeviceList;
    /** The name the existing device goes by (the joiner's screen greets the person with it). */
    readonly displayName?: string;
  };
  progress: HistoryProgress;
  /** The history transfer finished: every message is on the new device. */
  done: { readonly messages: number };
  /** The attempt ended without finishing (refused, declined, or the channel broke). */
  error: ParleyError;
}

/** What the new device keeps once linked: the hand-off to the multi-device engine (devices-fanout). */
export interface LinkedAccountRecord {
  readonly account: string;
  readonly deviceId: number;
  readonly list: SignedDeviceList;
  /** The existing device's identity key and relay: where a resume goes. */
  readonly host: string;
  readonly relay: string;
  /** base64url; proves a resume comes from the linked device's owner. */
  readonly resumeSecret: string;
}

export const LINKED_ACCOUNT_KEY = 'device-link:account';
/** Host side: per linked device key, the secret that lets it resume its history transfer. */
export const RESUME_PREFIX = 'device-link:resume:';
