import { ParleyError, isParleyError } from '../errors/index.js';
import { identityString, type ProtocolAddress } from '../crypto/index.js';
import { TypedEmitter } from '../link/typed-emitter.js';
import type { ClientDatabase } from '../storage/index.js';
import { AccountSettings } from './account/account-settings.js';
import { restoreBackup, type BackupCrypto } from './account/backup.js';
import { BackupService } from './account/backup-service.js';
import { LinkingService } from './devices/linking/linking-service.js';
import { openDevice, type Device } from './account/device.js';
import { ProfileService } from './account/profile-service.js';
import { SettingsService } from './account/settings-service.js';
import { ContactsService } from './contacts/contacts-service.js';
import { Verification } from './contacts/verification.js';
import { randomId, type EngineContext } from './context.js';
import { ConversationList } from './conversations/conversation-list.js';
import { ConversationsService } from './conversations/conversations-service.js';
import { sweepExpired } from './conversations/disappearing.js';
import type { ParleyClientEvents } from './events.js';
import { FilesService } from './files/files-service.js';
import { fileOptions } from './files/types.js';
import { GroupManager } from './groups/group-manager.js';
import { GroupsService } from './groups/groups-service.js';
import { LinksService } from './links/links-service.js';
import { Delivery } from './messaging/delivery.js';
import { conversationRecipients } from './messaging/effects.js';
import { receivingHandlers } from './messaging/receiving.js';
import { MessagesService } from './messaging/messages-service.js';
import { Pairwise } from './messaging/pairwise.js';
import { ReceiptBatcher } from './messaging/receipts.js';
import { DEFAULT_TUNING, type ParleyClientOptions } from './options.js';
import { systemTimers } from './platform.js';
import { applyPresenceVisibility } from './presence/presence.js';
import { PresenceService } from './presence/presence-service.js';
import { CallsService } from './calls/calls-service.js';
import { GroupCallsService } from './group-calls/group-calls-service.js';
import { AccessService } from './relay/access-service.js';
import { BlobInbox } from './relay/blob-inbox.js';
import { parseRelayAccess, type AccessCredentials } from './relay/relay-access.js';
import { attachmentsOf } from './relay/relay-attachments.js';
import { Relays } from './relay/relays.js';
import { relayIdentityOf } from './shared/addresses.js';
import { SerialQueue } from './shared/serial-queue.js';
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
  readonly groupCalls: GroupCallsService;

  readonly #ctx: EngineContext;
  readonly #relays: Relays;
  readonly #delivery: Delivery;
  readonly #inbox: BlobInbox;
  readonly #list: ConversationList;
  // Assigned in start() right after construction (loading it is asynchronous), before anything runs.
  #accountSettings!: AccountSettings;
  readonly #sweepMs: number;
  #sweepTimer: unknown;
  #counter = 0;
  #closed = false;

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

  private constructor(
    options: ParleyClientOptions,
    { db, identity, deviceId, crypto, state }: Device,
    access: AccessCredentials | undefined,
  ) {
    super();
    this.db = db;
    const tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.#sweepMs = tuning.sweepIntervalMs;
    this.account = identityString(identity.identityKey);
    const timers = options.timers ?? systemTimers;
    const queue = new SerialQueue();
    const report = (error: unknown) => this.#report(error);
    const accountSettings = () => this.#accountSettings;
    const relayFor = (account: string) => this.#relays.for(account);
    const home = () => this.#relays.home;
    const ctx: EngineContext = {
      db,
      identity,
      self: { name: this.account, deviceId },
      crypto,
      timers,
      state,
      queue,
      pairwise: new Pairwise(db, identity, deviceId, queue, crypto, async (address) => {
        const request = { identity: relayIdentityOf(address) };
        return (await relayFor(address.name).request('prekeys:fetch', request)).bundle;
      }),
      get readReceipts() {
        return accountSettings().privacy.readReceipts;
      },
      get relayOnlyLinks() {
        return accountSettings().privacy.relayOnlyLinks;
      },
      receipts: new ReceiptBatcher(
        timers,
        tuning.receiptDelayMs,
        async (to, ids) => {
          await this.#delivery.sendControl([to], { type: 'receipt', receipt: 'delivered', ids: [...ids] });
        },
        report,
        db.engineState,
      ),
      now: crypto.now,
      newId: () => randomId(crypto.randomBytes),
      nextCounter: () => this.#counter++,
      relayFor,
      emit: (event, payload) => {
        this.emit(event, payload);
        this.#observe(event, payload);
      },
      report,
      assertOpen: () => {
        if (this.#closed) throw new ParleyError('CLOSED', 'client is closed');
      },
      kick: (recipients) => this.#delivery.kick(recipients),
      sendControl: (recipients, body, groupId) => this.#delivery.sendControl(recipients, body, groupId),
    };
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
          if (this.links.start(iceServers)) this.files.restore();
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
      relayFor,
      iceServers,
      ...(options.callTimeouts === undefined ? {} : { timeouts: options.callTimeouts }),
    });
    this.#delivery = new Delivery(ctx, tuning, this.links, (id) => this.#list.changed(id));
    this.messages = new MessagesService(ctx, this.#list, recipients);
    this.conversations = new ConversationsService(ctx, this.#list, this.messages);
    this.groups = new GroupsService(ctx, groupManager, this.contacts);
    this.groupCalls = new GroupCallsService(ctx, groupManager, home);
    this.status = new StatusManager(ctx);
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
      fileOptions(options),
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
    });
    const handlers = receivingHandlers(ctx, {
      groups: groupManager,
      verification,
      statuses: this.status,
      files: () => this.files.manager,
    });
    this.#inbox = new BlobInbox(ctx, handlers, report, () => this.#closed);
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
      },
      options,
    );
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
   * Deletes disappearing messages and statuses whose time has come, and rotates the signed prekey when it is
   * due, republishing the bundle (also runs on a timer).
   */
  async sweep(): Promise<void> {
    await sweepExpired(this.#ctx);
    await this.status.sweep();
    await this.#relays.rotatePreKeys();
  }

  /** Closes links, relay connections and the database. Idempotent; resolves once peer connections are down. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#sweepTimer !== undefined) this.#ctx.timers.clearTimeout(this.#sweepTimer);
    // Stop the pump first, then take away links and relays so an attempt in flight ends now
    // (its entry stays pending, on disk) instead of waiting out its timeouts.
    this.calls.close();
    this.linking.close();
    const pumpStopped = this.#delivery.close();
    const linksClosed = this.links.close();
    this.#relays.close();
    await pumpStopped;
    await linksClosed;
    await this.#inbox.idle();
    await this.#ctx.queue.idle();
    // Receipts still coalescing are written to the outbox; they leave on the next start.
    await this.#ctx.receipts.close();
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
