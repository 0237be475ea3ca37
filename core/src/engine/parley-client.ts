import { ParleyError, isParleyError } from '../errors/index.js';
import type { ProtocolAddress } from '../crypto/index.js';
import { lazyOpener, type AttachmentOpener } from '../crypto/attachment/opener.js';
import { lazySealer, type AttachmentSealer } from '../crypto/attachment/sealer.js';
import { TypedEmitter } from '../link/typed-emitter.js';
import type { ClientDatabase } from '../storage/index.js';
import { AccountSettings } from './account/account-settings.js';
import { restoreBackup, type BackupCrypto } from './account/backup.js';
import type { BackupService } from './account/backup-service.js';
import { openDevice, prepareLinkedDevice, type Device } from './account/device.js';
import type { ProfileService } from './account/profile-service.js';
import type { SettingsService } from './account/settings-service.js';
import type { CallKeysService } from './call-keys/call-keys-service.js';
import type { CallsService } from './calls/calls-service.js';
import { wireClient } from './client-wiring.js';
import type { ContactsService } from './contacts/contacts-service.js';
import type { EngineContext } from './context.js';
import type { ConversationList } from './conversations/conversation-list.js';
import type { ConversationsService } from './conversations/conversations-service.js';
import { sweepExpired } from './conversations/disappearing.js';
import type { LinkingService } from './devices/linking/linking-service.js';
import type { DevicesService } from './devices/devices-service.js';
import type { ParleyClientEvents } from './events.js';
import type { FilesService } from './files/files-service.js';
import type { GroupCallsService } from './group-calls/group-calls-service.js';
import type { GroupMeshService } from './group-mesh/group-mesh-service.js';
import type { GroupsService } from './groups/groups-service.js';
import type { LinksService } from './links/links-service.js';
import type { Delivery } from './messaging/delivery.js';
import type { MessagesService } from './messaging/messages-service.js';
import type { ParleyClientOptions } from './options.js';
import { applyPresenceVisibility } from './presence/presence.js';
import type { PresenceService } from './presence/presence-service.js';
import type { AccessService } from './relay/access-service.js';
import type { BlobInbox } from './relay/blob-inbox.js';
import { parseRelayAccess, type AccessCredentials } from './relay/relay-access.js';
import type { Relays } from './relay/relays.js';
import type { StatusManager } from './status/status-manager.js';

/**
 * A Parley device: its identity and database, its relay connection(s), the outbox that delivers through
 * direct links or the relay, and the feature services on top (`messages`, `conversations`, `contacts`,
 * `groups`, `files`, `status`, …; engine/README.md draws them). Start with `ParleyClient.start(options)`;
 * `close()` closes everything it opened. The client is a typed emitter of ParleyClientEvents.
 */
export class ParleyClient extends TypedEmitter<ParleyClientEvents> {
  readonly account: string;
  readonly db: ClientDatabase;
  readonly messages: MessagesService;
  readonly conversations: ConversationsService;
  readonly contacts: ContactsService;
  readonly groups: GroupsService;
  readonly files: FilesService;
  readonly status: StatusManager;
  readonly presence: PresenceService;
  readonly links: LinksService;
  readonly profile: ProfileService;
  readonly settings: SettingsService;
  readonly access: AccessService;
  readonly backup: BackupService;
  /** Linking a new device to this account and moving the history to it (devices/linking). */
  readonly linking: LinkingService;
  readonly calls: CallsService;
  readonly callKeys: CallKeysService;
  readonly devices: DevicesService;
  readonly groupCalls: GroupCallsService;
  readonly groupMesh: GroupMeshService;

  readonly #ctx: EngineContext;
  readonly #relays: Relays;
  readonly #delivery: Delivery;
  readonly #inbox: BlobInbox;
  readonly #list: ConversationList;
  // Assigned in start() right after construction (loading it is asynchronous), before anything runs.
  #accountSettings!: AccountSettings;
  readonly #sweepMs: number;
  #sweepTimer: unknown;
  #closed = false;
  /** The platform's attachment opener (a worker), started at the first received batch; closed with us. */
  readonly #opener: AttachmentOpener | undefined;
  readonly #sealer: AttachmentSealer | undefined;

  static async start(options: ParleyClientOptions): Promise<ParleyClient> {
    const access = options.access === undefined ? undefined : parseRelayAccess(options.access);
    const device = await openDevice(options);
    try {
      const client = new ParleyClient(options, device, access);
      await client.#load(options);
      return client;
    } catch (error) {
      device.db.close();
      throw error;
    }
  }

  /**
   * Restores a backup into the (fresh, empty) database `options` name, then starts the client on it.
   * DECRYPT_FAILED for a wrong passphrase and BAD_REQUEST for bytes that are not a backup, before anything is
   * written; CONFLICT if that database already holds an account.
   */
  static async importBackup(
    backup: Uint8Array,
    passphrase: string,
    options: ParleyClientOptions,
    crypto: BackupCrypto = {},
  ): Promise<ParleyClient> {
    const { indexedDB, databaseName: name, keyWrapper, now } = options;
    await restoreBackup(backup, passphrase, { indexedDB, name, keyWrapper, ...(now ? { now } : {}) }, crypto);
    return ParleyClient.start(options);
  }

  /**
   * Makes the database of a new device for an existing account (docs/crypto.md "Linked devices"): its own
   * identity key pair, stored but not yet part of any account. Resolves that identity key (base64url) for
   * the primary's `client.devices.add`; then `ParleyClient.start({ ...options, linkedDevice: { list } })`
   * with the list `add` resolved starts this device as a device of that account.
   */
  static prepareLinkedDevice(options: ParleyClientOptions): Promise<string> {
    return prepareLinkedDevice(options);
  }

  private constructor(options: ParleyClientOptions, device: Device, access: AccessCredentials | undefined) {
    super();
    this.#opener = options.attachmentOpener === undefined ? undefined : lazyOpener(options.attachmentOpener);
    this.#sealer = options.attachmentSealer === undefined ? undefined : lazySealer(options.attachmentSealer);
    this.db = device.db;
    this.account = device.account;
    const wired = wireClient(
      options,
      device,
      access,
      {
        ...(this.#opener === undefined ? {} : { opener: this.#opener }),
        ...(this.#sealer === undefined ? {} : { sealer: this.#sealer }),
      },
      {
        emit: (event, payload) => {
          this.emit(event, payload);
          this.#observe(event, payload);
        },
        report: (error) => this.#report(error),
        isClosed: () => this.#closed,
        accountSettings: () => this.#accountSettings,
      },
    );
    ({ ctx: this.#ctx, relays: this.#relays, delivery: this.#delivery, inbox: this.#inbox } = wired);
    this.#sweepMs = wired.tuning.sweepIntervalMs;
    this.#list = wired.list;
    this.messages = wired.messages;
    this.conversations = wired.conversations;
    this.contacts = wired.contacts;
    this.groups = wired.groups;
    this.files = wired.files;
    this.status = wired.status;
    this.presence = wired.presence;
    this.links = wired.links;
    this.profile = wired.profile;
    this.settings = wired.settings;
    this.access = wired.access;
    this.backup = wired.backup;
    this.linking = wired.linking;
    this.calls = wired.calls;
    this.callKeys = wired.callKeys;
    this.devices = wired.devices;
    this.groupCalls = wired.groupCalls;
    this.groupMesh = wired.groupMesh;
  }

  /** Loads what start needs from storage, then connects and starts the outbox and the sweep timer. */
  async #load(options: ParleyClientOptions): Promise<void> {
    const { db } = this;
    this.#accountSettings = await AccountSettings.load(
      this.#ctx,
      {
        applyPresence: async (presence) => {
          const home = this.#relays.home;
          if (home.ready) await applyPresenceVisibility(home, db, presence);
        },
        setTimer: (conversationId, ms) => this.conversations.setDisappearingTimer(conversationId, ms),
        kick: () => this.#delivery.kick(),
        relayOnlyTurnedOn: () => {
          this.links.dropAll();
          this.calls.relayOnlyTurnedOn();
        },
      },
      options,
    );
    await this.#ctx.devices.load();
    await this.contacts.load();
    void this.groups.finishRestore().catch((error: unknown) => this.#report(error));
    // Receipts owed for messages stored just before the last run ended (messaging/receipts.ts).
    await this.#ctx.receipts.recover();
    this.#relays.home.connect();
    this.#delivery.kick();
    this.#scheduleSweep();
  }

  /** This device as (account, device). */
  get address(): ProtocolAddress {
    return { ...this.#ctx.self };
  }

  /** Authenticated with the home relay and its prekeys published there. */
  get connected(): boolean {
    return this.#relays.connected;
  }

  /**
   * Deletes disappearing messages and statuses whose time has come, sends group-call heartbeats and takes
   * down the banners of calls gone quiet, and rotates the signed prekey when it is due, republishing the
   * bundle (also runs on a timer).
   */
  async sweep(): Promise<void> {
    await sweepExpired(this.#ctx);
    await this.devices.heartbeat();
    await this.devices.dropUnseen();
    await this.status.sweep();
    await this.groupCalls.sweep();
    await this.#relays.rotatePreKeys();
  }

  /** Closes links, relay connections and the database. Idempotent; resolves once peer connections are down. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#sweepTimer !== undefined) this.#ctx.timers.clearTimeout(this.#sweepTimer);
    // Stop the pump first, then take away links and relays so an attempt in flight ends now
    // (its entry stays pending, on disk) instead of waiting out its timeouts.
    this.callKeys.closeAll();
    await this.groupMesh.closeAll();
    this.linking.close();
    const pumpStopped = this.#delivery.close();
    // A current call's hang-up leaves through the relay before links and relays close.
    await this.calls.close();
    const linksClosed = this.links.close();
    this.#relays.close();
    await pumpStopped;
    await linksClosed;
    await this.#inbox.idle();
    await this.#ctx.queue.idle();
    // Receipts still coalescing are written to the outbox; they leave on the next start.
    await this.#ctx.receipts.close();
    this.#opener?.close();
    this.#sealer?.close();
    this.db.close();
    this.removeAllListeners();
  }

  protected override onListenerError(error: unknown): void {
    // A throwing listener is the application's bug: report it without disturbing the engine.
    queueMicrotask(() => {
      throw error;
    });
  }

  #scheduleSweep(): void {
    this.#sweepTimer = this.#ctx.timers.setTimeout(() => {
      if (this.#closed) return;
      void this.sweep().catch((error: unknown) => this.#report(error));
      this.#scheduleSweep();
    }, this.#sweepMs);
  }

  /** What the engine's own events set off: chat-list updates, and greeting a new contact or group. */
  #observe<K extends keyof ParleyClientEvents>(event: K, payload: ParleyClientEvents[K]): void {
    this.#list.observe(event, payload);
    if (this.#closed) return;
    if (event === 'group') {
      const { groupId } = (payload as ParleyClientEvents['group']).state;
      void this.callKeys.groupChanged(groupId).catch((error: unknown) => this.#report(error));
    }
    void this.#accountSettings.observe(event, payload).catch((error: unknown) => this.#report(error));
  }

  #report(error: unknown): void {
    if (this.#closed && isParleyError(error, 'CLOSED')) return;
    this.emit(
      'error',
      error instanceof ParleyError ? error : new ParleyError('INTERNAL', String(error), { cause: error }),
    );
  }
}
