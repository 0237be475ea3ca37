import { ParleyError } from '../errors/index.js';
import type { ProtocolAddress } from '../crypto/index.js';
import type { AccountSettings } from './account/account-settings.js';
import type { Device } from './account/device.js';
import { randomId, type EngineContext } from './context.js';
import { DeviceDirectory } from './devices/device-directory.js';
import type { DeviceChange } from './devices/device-lines.js';
import type { ParleyClientEvents } from './events.js';
import type { ContentBody } from './messaging/content.js';
import { Pairwise } from './messaging/pairwise.js';
import { ReceiptBatcher } from './messaging/receipts.js';
import type { EngineTuning } from './options.js';
import type { EngineTimers } from './platform.js';
import type { RelayConnection } from './relay/relay-connection.js';
import { SerialQueue } from './shared/serial-queue.js';

/** What the context takes from the running client: the platform parts and the client's own plumbing. */
export interface ContextPlatform {
  readonly tuning: EngineTuning;
  readonly timers: EngineTimers;
  relayFor(account: string): RelayConnection;
  report(error: unknown): void;
}

/**
 * The client's parts the context reaches lazily: they are built after the context (the outbox, the
 * settings loaded in start()), so each is called only once something runs.
 */
export interface ContextHooks {
  deviceListChanged(change: DeviceChange): Promise<void>;
  accountSettings(): AccountSettings;
  sendReceipts(to: ProtocolAddress, ids: readonly string[]): Promise<void>;
  nextCounter(): number;
  emit<K extends keyof ParleyClientEvents>(event: K, payload: ParleyClientEvents[K]): void;
  isClosed(): boolean;
  kick(recipients?: readonly ProtocolAddress[]): void;
  sendControl(recipients: readonly ProtocolAddress[], body: ContentBody, groupId?: string): Promise<string>;
}

/**
 * Builds the EngineContext every service shares (context.ts): this device's keys and database, its verified
 * device lists, the pairwise sessions (bundles fetched through the relay and checked against those lists)
 * and the delivered-receipt batcher. ParleyClient owns what it returns.
 */
export function engineContext(
  { db, identity, deviceId, account, crypto, state }: Device,
  { tuning, timers, relayFor, report }: ContextPlatform,
  hooks: ContextHooks,
): EngineContext {
  const queue = new SerialQueue();
  const self = { name: account, deviceId };
  const devices = new DeviceDirectory(
    {
      db,
      backend: crypto.backend,
      self,
      selfKey: identity.identityKey,
      now: crypto.now,
      relayFor,
      // A higher counter kept: sessions, contacts, groups and the conversation follow.
      changed: (change) => hooks.deviceListChanged(change),
      report,
    },
    tuning.deviceListTtlMs,
  );
  const pairwise = new Pairwise(
    db,
    identity,
    self,
    queue,
    crypto,
    async (address) => {
      const request = { identity: devices.relayIdentity(address) };
      return (await relayFor(address.name).request('prekeys:fetch', request)).bundle;
    },
    (address, key) => devices.ensureListed(address, key),
  );
  return {
    db,
    identity,
    self,
    devices,
    crypto,
    timers,
    state,
    queue,
    pairwise,
    get readReceipts() {
      return hooks.accountSettings().privacy.readReceipts;
    },
    get relayOnlyLinks() {
      return hooks.accountSettings().privacy.relayOnlyLinks;
    },
    receipts: new ReceiptBatcher(timers, tuning.receiptDelayMs, hooks.sendReceipts, report, db.engineState),
    now: crypto.now,
    newId: () => randomId(crypto.randomBytes),
    nextCounter: hooks.nextCounter,
    relayFor,
    emit: hooks.emit,
    report,
    assertOpen: () => {
      if (hooks.isClosed()) throw new ParleyError('CLOSED', 'client is closed');
    },
    kick: hooks.kick,
    sendControl: hooks.sendControl,
  };
}
