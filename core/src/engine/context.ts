import type { CryptoOptions, IdentityKeyPair, ProtocolAddress } from '../crypto/index.js';
import type { ClientDatabase } from '../storage/index.js';
import type { ContentBody } from './messaging/content.js';
import type { DeviceDirectory } from './devices/device-directory.js';
import type { ParleyClientEvents } from './events.js';
import type { Pairwise } from './messaging/pairwise.js';
import type { ReceiptBatcher } from './messaging/receipts.js';
import type { EngineTimers } from './platform.js';
import type { RelayConnection } from './relay/relay-connection.js';
import type { SerialQueue } from './shared/serial-queue.js';
import type { EngineStateStore } from './shared/state-store.js';

/**
 * What the engine's services share; ParleyClient builds it once and owns everything in it. Services take
 * this and each other's interfaces, never the ParleyClient.
 */
export interface EngineContext {
  readonly db: ClientDatabase;
  readonly identity: IdentityKeyPair;
  readonly self: ProtocolAddress;
  readonly crypto: CryptoOptions & { randomBytes: (length: number) => Uint8Array; now: () => number };
  readonly timers: EngineTimers;
  readonly state: EngineStateStore;
  readonly queue: SerialQueue;
  readonly pairwise: Pairwise;
  /** The verified device lists: who each account's devices are (fan-out, relay identities, trust). */
  readonly devices: DeviceDirectory;
  readonly readReceipts: boolean;
  /** "Relay-only calls and links": new links gather only TURN candidates (ICE policy `relay`). */
  readonly relayOnlyLinks: boolean;
  /** Delivered receipts, coalesced per sender device before they go through the outbox. */
  readonly receipts: ReceiptBatcher;
  now(): number;
  newId(): string;
  /** The next value of this device's message counter (orders messages sent in one millisecond). */
  nextCounter(): number;
  /** The relay connection that reaches `account` (today: the one relay). */
  relayFor(account: string): RelayConnection;
  emit<K extends keyof ParleyClientEvents>(event: K, payload: ParleyClientEvents[K]): void;
  /** Reports a failure no call is waiting for as an 'error' event (nothing once the client is closed). */
  report(error: unknown): void;
  /** Throws CLOSED once the client is closed: what every public call checks first. */
  assertOpen(): void;
  /** Something was queued in the outbox: send it now (`recipients`: the devices it is for). */
  kick(recipients?: readonly ProtocolAddress[]): void;
  /**
   * Queues a control message (receipt, edit, group change, …) to `recipients` through the outbox: written
   * first, sent and retried like any message, logged under the control conversation for dedup.
   */
  sendControl(recipients: readonly ProtocolAddress[], body: ContentBody, groupId?: string): Promise<string>;
}

export function randomId(randomBytes: (length: number) => Uint8Array): string {
  return [...randomBytes(16)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
