import { ParleyError, isParleyError } from '../errors/index.js';
import { fromBase64Url } from '../protocol/encoding.js';
import type { ProtocolAddress } from '../crypto/index.js';
import { TypedEmitter } from '../link/typed-emitter.js';
import type { ClientDatabase } from '../storage/index.js';
import { AccountSettings } from './account/account-settings.js';
import { restoreBackup, type BackupCrypto } from './account/backup.js';
import { BackupService } from './account/backup-service.js';
import { LinkingService } from './devices/linking/linking-service.js';
import { toBase64Url } from '../protocol/encoding.js';
import { openDevice, prepareLinkedDevice, type Device } from './account/device.js';
import { ProfileService } from './account/profile-service.js';
import { SettingsService } from './account/settings-service.js';
import { ContactsService } from './contacts/contacts-service.js';
import { Verification } from './contacts/verification.js';
import { ConversationList } from './conversations/conversation-list.js';
import { ConversationsService } from './conversations/conversations-service.js';
import { sweepExpired } from './conversations/disappearing.js';
import type { EngineContext } from './context.js';
import { engineContext } from './context-factory.js';
import type { ParleyClientEvents } from './events.js';
import { FilesService } from './files/files-service.js';
import { fileOptions } from './files/types.js';
import { lazyOpener, type AttachmentOpener } from '../crypto/attachment/opener.js';
import { GroupManager } from './groups/group-manager.js';
import { GroupsService } from './groups/groups-service.js';
import { LinksService } from './links/links-service.js';
import { Delivery } from './messaging/delivery.js';
import { conversationRecipients } from './messaging/effects.js';
import { receiptRecipients } from './messaging/copy-receipts.js';
import { receivingHandlers } from './messaging/receiving.js';
import { MessagesService } from './messaging/messages-service.js';
import { DEFAULT_TUNING, type ParleyClientOptions } from './options.js';
import { systemTimers } from './platform.js';
import { applyPresenceVisibility } from './presence/presence.js';
import { PresenceService } from './presence/presence-service.js';
import { CallsService } from './calls/calls-service.js';
import { CallKeysService } from './call-keys/call-keys-service.js';
import { DeviceChanges } from './devices/device-changes.js';
import { DevicesService } from './devices/devices-service.js';
import { applySync } from './devices/sync.js';
import { GroupCallsService } from './group-calls/group-calls-service.js';
import { GroupMeshService } from './group-mesh/group-mesh-service.js';
import { AccessService } from './relay/access-service.js';
import { BlobInbox } from './relay/blob-inbox.js';
import { parseRelayAccess, type AccessCredentials } from './relay/relay-access.js';
import { attachmentsOf } from './relay/relay-attachments.js';
import { Relays } from './relay/relays.js';
import { StatusManager } from './status/status-manager.js';

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
  readonly #deviceChanges: DeviceChanges;
  // Assigned in start() right after construction (loading it is asynchronous), before anything runs.
  #accountSettings!: AccountSettings;
  readonly #sweepMs: number;
  #sweepTimer: unknown;
  #counter = 0;
  #closed = false;
  /** The platform's attachment opener (a worker), started at the first received batch; closed with us. */
  readonly #opener: AttachmentOpener | undefined;

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
    const { db, account } = device;
    this.db = db;
    const tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.#sweepMs = tuning.sweepIntervalMs;
    this.account = account;
    const timers = options.timers ?? systemTimers;
    const report = (error: unknown) => this.#report(error);
    const accountSettings = () => this.#accountSettings;
    const relayFor = (account: string) => this.#relays.for(account);
    const home = () => this.#relays.home;
    const ctx = engineContext(
      device,
      { tuning, timers, relayFor, report },
      {
        deviceListChanged: (change) => this.#deviceChanges.apply(change),
        accountSettings,
        sendReceipts: async (to, ids) => {
          // To every device of the sender's account: its copies there show delivered too.
          const devices = await receiptRecipients(ctx, to);
          await this.#delivery.sendControl(devices, { type: 'receipt', receipt: 'delivered', ids: [...ids] });
        },
        nextCounter: () => this.#counter++,
        emit: (event, payload) => {
          this.emit(event, payload);
          this.#observe(event, payload);
        },
        isClosed: () => this.#closed,
        kick: (recipients) => this.#delivery.kick(recipients),
        sendControl: (recipients, body, groupId) => this.#delivery.sendControl(recipients, body, groupId),
      },
    );
    const { devices } = ctx;
    this.#ctx = ctx;
    const groupManager = new GroupManager(
      ctx,
      () => this.#delivery.kick(),
      () => home().url,
    );
    const recipients = (conversationId: string) => conversationRecipients(ctx, groupManager, conversationId);
    const verification = new Verification(ctx);
    this.#list = new ConversationList(ctx, groupManager);
    this.contacts = new ContactsService(ctx, verification, home, {
      welcome: (contact) => this.#accountSettings.welcome(contact),
      blocked: async (account) => {
        this.links.drop(account);
        await this.#accountSettings.contactsChanged();
      },
    });
    this.access = new AccessService(ctx, home, access);
    this.#relays = new Relays(
      ctx,
      {
        homeUrl: options.relayUrl,
        socketFactory: options.socketFactory,
        tuning,
        credentials: () => this.access.credentials,
        contactRelays: this.contacts.relays,
      },
      {
        homeReady: (iceServers) => {
          this.links.start(iceServers);
          // Once per client (restore() is idempotent): direct transfers wait for links, uploads for the relay.
          this.files.restore();
          void this.links.linkContacts().catch(report);
        },
        connected: (relay) =>
          void applyPresenceVisibility(relay, db, this.settings.privacy.presence).catch(report),
        onBlob: (relay, blob) => void this.#inbox.onBlob(relay, blob),
        onSignal: (signal) => this.links.handleSignal(signal),
      },
    );
    this.links = new LinksService(ctx, tuning, options.wrtc, relayFor, {
      onEnvelope: (envelope) => this.#inbox.onEnvelope(envelope),
      onSession: (peer, session) => this.files.adopt(peer, session),
      onCallSignal: (from, signal) => this.calls.handleSignal(from, signal),
      onDeviceLinkSignal: (signal) => this.linking.handleSignal(signal),
    });
    const iceServers = () => this.links.iceServers;
    this.calls = new CallsService(ctx, {
      wrtc: options.wrtc,
      sendSignal: (to, signal) => this.links.sendSignal(to, signal),
      iceServers,
      ...(options.callTimeouts === undefined ? {} : { timeouts: options.callTimeouts }),
    });
    this.#delivery = new Delivery(ctx, tuning, this.links, (id) => this.#list.changed(id));
    this.messages = new MessagesService(ctx, this.#list, recipients);
    this.conversations = new ConversationsService(ctx, this.#list, this.messages);
    this.groups = new GroupsService(ctx, groupManager, this.contacts);
    this.groupCalls = new GroupCallsService(ctx, groupManager, home);
    this.groupMesh = new GroupMeshService(ctx, groupManager, this.calls, this.groupCalls);
    this.status = new StatusManager(ctx);
    this.callKeys = new CallKeysService(ctx, {
      isMember: (groupId, account) => groupManager.isMember(groupId, account),
      ...(tuning.callKeySwitchDelayMs === undefined ? {} : { switchDelayMs: tuning.callKeySwitchDelayMs }),
    });
    this.presence = new PresenceService(() => this.#relays.pool.all, relayFor);
    this.files = new FilesService(
      ctx,
      recipients,
      {
        queue: (message) => this.#delivery.queue(message),
        connect: (peer) => this.links.connect(peer),
        reachable: (peer) => this.links.reachable(peer),
        attachments: (to) => attachmentsOf(to === undefined ? home() : relayFor(to), options.fetch),
        drafts: {
          draft: (draft, body) => this.#delivery.draft(draft, body),
          release: (message) => this.#delivery.release(message),
        },
      },
      fileOptions(options, this.#opener),
    );
    this.profile = new ProfileService(ctx, accountSettings, home, options.displayName);
    this.settings = new SettingsService(ctx, accountSettings);
    this.backup = new BackupService(ctx, () => this.#delivery.whenSettled());
    this.linking = new LinkingService(ctx, {
      home,
      wrtc: options.wrtc,
      iceServers,
      displayName: () => this.profile.displayName,
      directTimeoutMs: tuning.directOpenTimeoutMs,
      fileSink: fileOptions(options).sink,
      storedFile: options.storedFile,
      answerTimeoutMs: tuning.requestTimeoutMs,
    });
    const handlers = receivingHandlers(ctx, {
      groups: groupManager,
      verification,
      statuses: this.status,
      callKeys: this.callKeys,
      groupMesh: this.groupMesh,
      files: () => this.files.manager,
      sync: (sender, body) =>
        applySync(
          ctx,
          {
            markRead: (ids) => this.#list.markRead(ids),
            setFlag: (id, flag, value) => this.#list.setFlag(id, flag, value),
            setVerified: (account, verified) => verification.setVerified(account, verified),
            setReadReceipts: (enabled) => this.#accountSettings.setReadReceipts(enabled),
            contact: (change) => this.contacts.applySynced(change),
            profile: async ({ displayName, avatar }) => {
              const bytes = avatar === undefined ? undefined : fromBase64Url(avatar);
              await this.#accountSettings.adoptProfile({ displayName, ...(bytes ? { avatar: bytes } : {}) });
            },
          },
          sender,
          body,
        ),
    });
    this.#inbox = new BlobInbox(ctx, handlers, report, () => this.#closed);
    this.devices = new DevicesService(ctx, devices, home);
    // Linking lists the new device through the account's device-list service (signed, published, synced).
    this.linking.useDeviceList({
      add: (identityKey) => this.devices.add(toBase64Url(identityKey)),
    });
    // Linking changes the list through client.devices, so fan-out knows the new device at once.
    this.linking.useDeviceList({ add: (key) => this.devices.addOrKeep(key) });
    this.#deviceChanges = new DeviceChanges(ctx, groupManager);
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
