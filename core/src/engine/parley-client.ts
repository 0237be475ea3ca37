import nacl from 'tweetnacl';
import { ParleyError, isParleyError } from '../errors/index.js';
import {
  identityString,
  tweetnaclBackend,
  type CryptoBackend,
  type CryptoOptions,
  type IdentityKeyPair,
  type ProtocolAddress,
} from '../crypto/index.js';
import { TypedEmitter } from '../link/typed-emitter.js';
import type { IceServer, TurnGrant } from '../protocol/auth.js';
import { LIMITS } from '../protocol/limits.js';
import {
  openClientDatabase,
  type ClientDatabase,
  type Contact,
  type MessagePage,
  type OutboxEntry,
  type PageOptions,
  type StoredMessage,
} from '../storage/index.js';
import {
  PRIMARY_DEVICE,
  addressOfPeer,
  addressOfRelayIdentity,
  controlConversationId,
  directConversationId,
  groupConversationId,
  peerOf,
  relayIdentityOf,
} from './addresses.js';
import { formatContactLink, parseContactLink } from './contact-link.js';
import type { Content, ContentBody } from './content.js';
import { randomId, type EngineContext } from './context.js';
import { DirectLinks, type Route } from './direct-links.js';
import type { ParleyClientEvents } from './events.js';
import { DEFAULT_TUNING, type EngineTuning, type ParleyClientOptions } from './options.js';
import { applyContent, conversationRecipients, ensureContact } from './effects.js';
import { DEFAULT_MAX_FILE_BYTES, FileManager, type OutgoingFile } from './files.js';
import { GroupFiles } from './group-files.js';
import type { FileInfo } from './files/file-records.js';
import { memorySinkFactory } from './files/file-io.js';
import { GroupManager, parseGroupInvite } from './group-manager.js';
import type { IncomingHandlers, Via } from './incoming.js';
import { OutboxPump } from './outbox-pump.js';
import { attemptBatch, isGroupEntry, queueOutgoing, refreshMessageState } from './outgoing.js';
import { Pairwise } from './pairwise.js';
import { systemTimers } from './platform.js';
import { ReceiptBatcher } from './receipts.js';
import { RelayAttachments } from './relay-attachments.js';
import { loadOrCreateIdentity } from './prekeys.js';
import { PreKeyPublisher } from './prekey-publisher.js';
import type { RelayConnection } from './relay-connection.js';
import { RelayPool } from './relay-pool.js';
import { SerialQueue } from './serial-queue.js';
import type { EngineStateStore } from './state-store.js';
import { recordReaction, reactionsTo, type Reaction } from './reactions.js';
import { importLegacyEngineState } from './state-store-indexeddb.js';
import { StatusManager } from './status-manager.js';
import { AccountSettings } from './account-settings.js';
import { BlobInbox } from './blob-inbox.js';
import { isAccepted, mayLink, setContactChoice } from './contact-requests.js';
import { SignalSealer } from './signal-sealing.js';
import { applyPresenceVisibility, subscribePresence } from './presence.js';
import { TurnGrants } from './turn-grant.js';
import { restoreBackup, sealBackup, type BackupCrypto } from './backup.js';
import { conversationTimer, scheduleExpiry, sweepExpired } from './disappearing.js';
import {
  ConversationList,
  recordMessageKind,
  type ConversationSummary,
  type SearchHit,
} from './conversation-list.js';
import type { PresenceVisibility, PrivacySettings } from './privacy-settings.js';
import type { Profile } from './profile.js';
import {
  parseOtpAddress,
  parseRelayAccess,
  type AccessCredentials,
  type OtpAddress,
  type RelayAccess,
} from './relay-access.js';
import { Verification, type SafetyNumberView, type VerificationState } from './verification.js';

/**
 * A Parley device: its identity and database, its relay connection(s), the outbox that delivers through
 * direct links or the relay, and the messages, groups and statuses on top. Start with
 * `ParleyClient.start(options)`; `close()` closes everything it opened.
 */
export class ParleyClient extends TypedEmitter<ParleyClientEvents> {
  readonly account: string;
  readonly groups: GroupManager;
  readonly statuses: StatusManager;
  readonly #files: FileManager;
  readonly #list: ConversationList;
  readonly #verification: Verification;
  // Assigned in start() right after construction (loading it is asynchronous), before anything runs.
  #settings!: AccountSettings;
  /** The invite or one-time code shown to the home relay until it admits this identity. */
  #access: AccessCredentials | undefined;
  readonly #groupFiles: GroupFiles;

  readonly #options: ParleyClientOptions;
  readonly #tuning: EngineTuning;
  readonly #ctx: EngineContext;
  readonly #relays: RelayPool;
  readonly #pump: OutboxPump;
  readonly #inbox: BlobInbox;
  /** Each contact's home relay (from its contact link), where we deposit for it and signal it. */
  readonly #contactRelays = new Map<string, string>();
  #direct: DirectLinks | undefined;
  #sweepTimer: unknown;
  readonly #turn: TurnGrants;
  readonly #preKeys: PreKeyPublisher;
  #counter = 0;
  #published = false;
  #closed = false;

  static async start(options: ParleyClientOptions): Promise<ParleyClient> {
    const now = options.now ?? (() => Date.now());
    const access = options.access === undefined ? undefined : parseRelayAccess(options.access);
    const db = await openClientDatabase({
      indexedDB: options.indexedDB,
      name: options.databaseName,
      keyWrapper: options.keyWrapper,
      now,
    });
    try {
      const randomBytes = options.randomBytes ?? ((length: number) => nacl.randomBytes(length));
      const crypto = { now, randomBytes, backend: options.cryptoBackend ?? tweetnaclBackend };
      const { identity, deviceId } = await loadOrCreateIdentity(db, crypto);
      if (options.stateStore === undefined) {
        await importLegacyEngineState(options.indexedDB, db, options.databaseName);
      }
      const state = options.stateStore ?? db.engineState;
      const client = new ParleyClient(options, db, identity, deviceId, crypto, state, access);
      client.#settings = await AccountSettings.load(
        client.#ctx,
        {
          applyPresence: async (presence) => {
            if (client.#home.ready) await applyPresenceVisibility(client.#home, db, presence);
          },
          setTimer: (conversationId, ms) => client.setDisappearingTimer(conversationId, ms),
          kick: () => client.#pump.kick(),
        },
        options,
      );
      for (const key of await state.keys('contact-relay:')) {
        const url = await state.get(key);
        if (typeof url === 'string') client.#contactRelays.set(key.slice('contact-relay:'.length), url);
      }
      client.#start();
      return client;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  private constructor(
    options: ParleyClientOptions,
    readonly db: ClientDatabase,
    identity: IdentityKeyPair,
    deviceId: number,
    crypto: CryptoOptions & {
      now: () => number;
      randomBytes: (length: number) => Uint8Array;
      backend: CryptoBackend;
    },
    state: EngineStateStore,
    access: AccessCredentials | undefined,
  ) {
    super();
    this.#options = options;
    this.#access = access;
    this.#tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.account = identityString(identity.identityKey);
    const timers = options.timers ?? systemTimers;
    const queue = new SerialQueue();
    const self: ProtocolAddress = { name: this.account, deviceId };
    const privacy = () => this.#settings.privacy;
    this.#relays = new RelayPool({
      homeUrl: options.relayUrl,
      socketFactory: options.socketFactory,
      identity,
      timers,
      requestTimeoutMs: this.#tuning.requestTimeoutMs,
      reconnectDelayMs: this.#tuning.relayReconnectDelayMs,
      credentials: () => this.#access,
      contactRelays: this.#contactRelays,
      emit: (event, payload) => this.emit(event, payload),
      onReady: (relay, auth) => void this.#onReady(relay, auth.turn),
      onDown: (relay) => {
        if (relay === this.#home) this.#published = false;
      },
      onBlob: (relay, blob) => void this.#inbox.onBlob(relay, blob),
      onSignal: (signal) => {
        const from = { identity: signal.from, deviceId: String(PRIMARY_DEVICE) };
        this.#direct?.handleSignal(from, { linkId: signal.linkId, kind: signal.kind, data: signal.data });
      },
      onPreKeysLow: (relay) =>
        void this.#preKeys.replenish(relay).catch((error: unknown) => this.#report(error)),
    });
    const ctx: EngineContext = {
      db,
      identity,
      self,
      crypto,
      timers,
      state,
      queue,
      pairwise: new Pairwise(db, identity, deviceId, queue, crypto, async (address) => {
        const { bundle } = await this.#ctx.relayFor(address.name).request('prekeys:fetch', {
          identity: relayIdentityOf(address),
        });
        return bundle;
      }),
      get readReceipts() {
        return privacy().readReceipts;
      },
      receipts: new ReceiptBatcher(
        timers,
        this.#tuning.receiptDelayMs,
        async (to, ids) => {
          await this.#ctx.sendControl([to], { type: 'receipt', receipt: 'delivered', ids: [...ids] });
        },
        (error) => this.#report(error),
      ),
      now: crypto.now,
      newId: () => randomId(crypto.randomBytes),
      nextCounter: () => this.#counter++,
      relayFor: (account) => this.#relayFor(account),
      emit: (event, payload) => {
        this.emit(event, payload);
        this.#observe(event, payload);
      },
      sendControl: async (recipients, body, groupId) => {
        const content = await queueOutgoing(this.#ctx, {
          conversationId: controlConversationId(this.account),
          recipients,
          body,
          ...(groupId === undefined ? {} : { groupId }),
        });
        this.#pump.kick(recipients);
        return content.id;
      },
    };
    this.#ctx = ctx;
    this.#preKeys = new PreKeyPublisher(
      ctx,
      { rotationMs: this.#tuning.signedPreKeyRotationMs, graceMs: this.#tuning.signedPreKeyGraceMs },
      (relay) => relay === this.#home,
    );
    this.#turn = new TurnGrants(
      timers,
      crypto.now,
      async () => (await this.#home.request('turn:refresh', {})).turn,
      (error) => this.#report(error),
    );
    this.groups = new GroupManager(
      ctx,
      () => this.#pump.kick(),
      () => this.#home.url,
    );
    this.statuses = new StatusManager(ctx);
    this.#list = new ConversationList(ctx, this.groups);
    this.#verification = new Verification(ctx);
    this.#files = new FileManager(
      ctx,
      async ({ id, conversationId, recipient, body, text }) => {
        const content = await queueOutgoing(this.#ctx, {
          id,
          conversationId,
          recipients: [recipient],
          body,
          text,
        });
        await recordMessageKind(this.#ctx, content.id, body);
        this.#list.changed(conversationId);
        this.#pump.kick();
        return content.id;
      },
      (peer) => this.#direct?.connect(peer),
      async (peer) => (this.#direct === undefined ? false : this.#direct.reachable(peer)),
      (recipient) => this.#attachments(recipient),
      {
        sink: options.fileSink ?? memorySinkFactory,
        maxBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
        ...(options.reopenFileSource === undefined ? {} : { reopen: options.reopenFileSource }),
      },
    );
    this.#groupFiles = new GroupFiles(ctx, {
      maxBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      records: this.#files.records,
      relay: (recipient) => this.#attachments(recipient),
      queue: async ({ conversationId, groupId, recipients, body, text, id }) => {
        const content = await queueOutgoing(this.#ctx, {
          conversationId,
          groupId,
          recipients,
          body,
          text,
          id,
        });
        await recordMessageKind(this.#ctx, content.id, body);
        this.#list.changed(conversationId);
        this.#pump.kick();
        return content.id;
      },
    });
    const handlers: IncomingHandlers = {
      ensureContact: (account) => this.#ensureContact(account),
      isGroupMember: (groupId, account) => this.groups.isMember(groupId, account),
      senderOfTag: (tag) => this.groups.senderOfTag(tag),
      beforeCommit: (sender, content, stage) => this.groups.beforeCommit(sender, content, stage),
      afterCommit: (sender, content, via) => this.#afterCommit(sender, content, via),
    };
    this.#inbox = new BlobInbox(
      ctx,
      handlers,
      (error) => this.#report(error),
      () => this.#closed,
    );
    this.#pump = new OutboxPump(
      db,
      timers,
      crypto.now,
      this.#tuning.retry,
      (batch, mayGo) => this.#attempt(batch, mayGo),
      (entry) => refreshMessageState(this.#ctx, entry.messageId),
      {
        maxEntries: this.#tuning.batchMaxEntries,
        maxBytes: Math.min(this.#tuning.batchMaxBytes, LIMITS.maxBlobBytes / 2),
        batchable: (entry) => !isGroupEntry(entry),
      },
    );
  }

  /** This device as (account, device). */
  get address(): ProtocolAddress {
    return { ...this.#ctx.self };
  }

  /** Authenticated with the home relay and its prekeys published there. */
  get connected(): boolean {
    return this.#home.ready && this.#published;
  }

  /** The name contacts see: the profile's, else the `displayName` option, else the account's first characters. */
  get displayName(): string {
    return this.#settings.profile?.displayName ?? this.#options.displayName ?? this.account.slice(0, 8);
  }

  /** This account's profile as last set (persisted); undefined before the first `setProfile`. */
  get profile(): Profile | undefined {
    return this.#settings.profile;
  }

  /**
   * Sets the display name and avatar (small image bytes, at most MAX_AVATAR_BYTES: PAYLOAD_TOO_LARGE beyond)
   * and sends them, end-to-end encrypted, to every contact (and later to every new contact).
   */
  async setProfile(profile: Profile): Promise<void> {
    this.#assertOpen();
    await this.#settings.setProfile(profile);
  }

  /** Why the home relay refused this identity (wrong invite or code), until `setAccess` is tried. */
  get accessDenied(): ParleyError | undefined {
    return this.#home.refused;
  }

  /** After 'access-denied': authenticates again with another invite or one-time code. */
  setAccess(access: RelayAccess): void {
    this.#assertOpen();
    this.#access = parseRelayAccess(access);
    this.#home.retryAuth();
  }

  /** Asks the home relay (policy `otp`) to send a one-time code to this phone number or e-mail address. */
  async requestOneTimeCode(address: OtpAddress): Promise<void> {
    this.#assertOpen();
    await this.#home.request('otp:request', parseOtpAddress(address));
  }

  /** The chat list: pinned first, then by last activity. `archived` filters (default: all). */
  async conversations(options: { archived?: boolean } = {}): Promise<ConversationSummary[]> {
    return this.#list.list(options);
  }

  async conversation(id: string): Promise<ConversationSummary> {
    return this.#list.get(id);
  }

  async setPinned(conversationId: string, pinned: boolean): Promise<void> {
    await this.#list.setFlag(conversationId, 'pinned', pinned);
  }

  async setArchived(conversationId: string, archived: boolean): Promise<void> {
    await this.#list.setFlag(conversationId, 'archived', archived);
  }

  async setMuted(conversationId: string, muted: boolean): Promise<void> {
    await this.#list.setFlag(conversationId, 'muted', muted);
  }

  /** Marks every unread incoming message of a conversation read (with read receipts if enabled). */
  async markConversationRead(conversationId: string): Promise<void> {
    this.#assertOpen();
    await this.markRead(await this.#list.unreadMessages(conversationId));
    await this.db.conversations.markRead(conversationId);
    this.#list.changed(conversationId);
  }

  /** Messages whose words start with every term of `query`, newest first (local full-text index). */
  async search(
    query: string,
    options: { conversationId?: string; limit?: number } = {},
  ): Promise<SearchHit[]> {
    return this.#list.search(query, options);
  }

  /** The safety number to compare with `account` (same digits on both sides) and this side's QR payload. */
  async safetyNumber(account: string): Promise<SafetyNumberView> {
    return this.#verification.safetyNumber(account);
  }

  /** Whether a QR payload scanned from the contact's screen matches (then `setVerified(account, true)`). */
  async matchesSafetyQr(account: string, scanned: Uint8Array): Promise<boolean> {
    return this.#verification.matchesSafetyQr(account, scanned);
  }

  /** Records that the user compared safety numbers (true) or withdraws it; emits 'verification'. */
  async setVerified(account: string, verified: boolean): Promise<void> {
    await this.#verification.setVerified(account, verified);
  }

  /** 'unverified', 'verified', or 'changed' (verified, then the identity key changed: warn until re-verified). */
  async verification(account: string): Promise<VerificationState> {
    return this.#verification.state(account);
  }

  /** The privacy settings in force (persisted; `readReceipts` given at start applies until changed here). */
  get privacy(): PrivacySettings {
    return this.#settings.privacy;
  }

  get readReceipts(): boolean {
    return this.#settings.privacy.readReceipts;
  }

  /** Turns read receipts on or off from now on (kept across restarts). */
  async setReadReceipts(enabled: boolean): Promise<void> {
    this.#assertOpen();
    await this.#settings.setReadReceipts(enabled);
  }

  get presenceVisibility(): PresenceVisibility {
    return this.#settings.privacy.presence;
  }

  /**
   * "Relay-only calls and links" (kept across restarts): links opened from now on use only TURN candidates,
   * hiding this device's IP addresses from contacts; without a TURN server, messages go through the relay.
   */
  async setRelayOnlyLinks(enabled: boolean): Promise<void> {
    this.#assertOpen();
    await this.#settings.setRelayOnlyLinks(enabled);
  }

  /** The timer new conversations start with (null: messages stay). */
  get defaultDisappearingTimer(): number | null {
    return this.#settings.privacy.defaultDisappearingTimerMs;
  }

  async setDefaultDisappearingTimer(expiresInMs: number | null): Promise<void> {
    this.#assertOpen();
    await this.#settings.setDefaultDisappearingTimer(expiresInMs);
  }

  /**
   * An encrypted backup of everything this device keeps (identity, sessions, prekeys, contacts,
   * conversations, messages, groups and engine state), under a passphrase. Restore it with
   * `ParleyClient.importBackup`; this device must then stop being used (its ratchet state moved).
   */
  async exportBackup(passphrase: string, options: BackupCrypto = {}): Promise<Uint8Array> {
    this.#assertOpen();
    // Receipts still coalescing would otherwise be sealed and sent after the snapshot, using ratchet
    // message keys the restored device then uses again for other content (which its contact drops).
    await this.#ctx.receipts.flush();
    this.#pump.kick();
    await this.#pump.whenSettled();
    return sealBackup(await this.db.snapshot(), passphrase, {
      randomBytes: this.#ctx.crypto.randomBytes,
      ...options,
    });
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

  /** A `parley://contact` link others can add this account from. */
  contactLink(): string {
    return formatContactLink({
      account: this.account,
      relayUrl: this.#home.url,
      displayName: this.displayName,
    });
  }

  /** The relay `account` is reached at: the one from its contact link, else this account's home relay. */
  contactRelay(account: string): string {
    return this.#contactRelays.get(account) ?? this.#home.url;
  }

  /** Adds (or updates) a contact from a `parley://contact` link and opens the conversation with it. */
  async addContact(link: string): Promise<Contact> {
    const parsed = parseContactLink(link);
    if (parsed.account === this.account) throw new ParleyError('BAD_REQUEST', 'that is this account');
    await this.#ctx.state.put(`contact-relay:${parsed.account}`, parsed.relayUrl);
    this.#contactRelays.set(parsed.account, parsed.relayUrl);
    return ensureContact(this.#ctx, parsed.account, parsed.displayName, true);
  }

  /**
   * Opens a `parley://group` invite: adds the inviting admin as a contact and asks to join. Once the admin
   * accepts, the group arrives as a 'group' event like any other group change.
   */
  async joinGroup(link: string): Promise<string> {
    const invite = parseGroupInvite(link);
    if ((await this.db.contacts.get(invite.admin)) === undefined)
      await this.addContact(
        formatContactLink({
          account: invite.admin,
          relayUrl: invite.relayUrl,
          displayName: invite.admin.slice(0, 8),
        }),
      );
    await this.#ctx.sendControl([{ name: invite.admin, deviceId: PRIMARY_DEVICE }], {
      type: 'group-join',
      groupId: invite.groupId,
      token: invite.token,
    });
    return groupConversationId(invite.groupId);
  }

  /**
   * Accepts a message request (someone who wrote first; `contact.accepted === false`), or unblocks: from now
   * on the contact gets receipts, our profile and presence, and may open a direct link to this device.
   */
  async acceptContact(account: string): Promise<Contact> {
    this.#assertOpen();
    const { contact, changed } = await setContactChoice(this.#ctx, account, {
      accepted: true,
      blocked: false,
    });
    if (changed) await this.#settings.welcome(contact);
    return contact;
  }

  /** Blocks an account: its messages are dropped, it gets nothing from us, and its link is closed. */
  async blockContact(account: string): Promise<Contact> {
    this.#assertOpen();
    const { contact } = await setContactChoice(this.#ctx, account, { accepted: false, blocked: true });
    this.dropDirectLink(account);
    if (this.#home.ready) await applyPresenceVisibility(this.#home, this.db, this.#settings.privacy.presence);
    return contact;
  }

  async contacts(): Promise<Contact[]> {
    return this.db.contacts.list();
  }

  directConversation(account: string): string {
    return directConversationId(account);
  }

  /** Sends text (optionally a reply) to a one-to-one or group conversation; resolves once it is on disk. */
  async sendText(
    conversationId: string,
    text: string,
    options: { replyTo?: string } = {},
  ): Promise<StoredMessage> {
    this.#assertOpen();
    const { recipients, groupId } = await this.#recipients(conversationId);
    const expiresInMs = await this.disappearingTimer(conversationId);
    const content = await queueOutgoing(this.#ctx, {
      conversationId,
      recipients,
      text,
      ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
      ...(groupId === undefined ? {} : { groupId }),
      body: {
        type: 'text',
        text,
        ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
        ...(expiresInMs === null ? {} : { expiresInMs }),
      },
    });
    if (expiresInMs !== null) await scheduleExpiry(this.#ctx, content.id, content.sentAt + expiresInMs);
    this.#list.changed(conversationId);
    this.#pump.kick(recipients);
    const stored = await this.db.messages.get(content.id);
    if (stored === undefined) throw new ParleyError('INTERNAL', 'message vanished after commit');
    return stored;
  }

  /**
   * Sends a file (image, video, voice message, anything) to a conversation: the message announcing it goes
   * like any message. One-to-one, the bytes go over the direct link and resume if it drops, or through the
   * relay when the peer is offline; to a group, they are uploaded once to the relay for every member
   * (group-files.ts). Large files come as a FileSource, read a chunk at a time.
   */
  async sendFile(conversationId: string, file: OutgoingFile): Promise<string> {
    this.#assertOpen();
    const { recipients, groupId } = await this.#recipients(conversationId);
    if (groupId !== undefined) return this.#groupFiles.send(conversationId, groupId, recipients, file);
    const [recipient] = recipients;
    if (recipient === undefined || recipients.length !== 1) {
      throw new ParleyError('BAD_REQUEST', 'a one-to-one conversation has exactly one recipient device');
    }
    return this.#files.send(conversationId, recipient, file);
  }

  /**
   * What a file message carries (name, type, size, caption, thumbnail, voice) and whether its bytes arrived
   * (or reached the peer); undefined for a message that is not a file. Kept across restarts.
   */
  async fileInfo(messageId: string): Promise<FileInfo | undefined> {
    this.#assertOpen();
    return this.#files.records.get(messageId);
  }

  /** Edits our own message here and for everyone in its conversation. */
  async editMessage(messageId: string, text: string): Promise<void> {
    const message = await this.#ownMessage(messageId);
    await this.db.messages.edit(messageId, text, this.#ctx.now());
    await this.#control(message.conversationId, { type: 'edit', target: messageId, text });
  }

  /** Delete-for-everyone of our own message: a tombstone here and at every recipient. */
  async deleteForEveryone(messageId: string): Promise<void> {
    const message = await this.#ownMessage(messageId);
    await this.db.messages.deleteForEveryone(messageId, this.#ctx.now());
    await this.#control(message.conversationId, { type: 'delete', target: messageId });
  }

  async react(messageId: string, emoji: string, remove = false): Promise<void> {
    const message = await this.db.messages.get(messageId);
    if (message === undefined) throw new ParleyError('NOT_FOUND', `no message ${messageId}`);
    await recordReaction(this.#ctx.state, messageId, this.account, emoji, remove, this.#ctx.now());
    await this.#control(message.conversationId, { type: 'reaction', target: messageId, emoji, remove });
  }

  /** The current reactions to a message (ours included), one per account; kept across restarts. */
  async reactions(messageId: string): Promise<Reaction[]> {
    return reactionsTo(this.#ctx.state, messageId);
  }

  /** Marks incoming messages read and, if this device sends read receipts, tells their senders. */
  async markRead(messageIds: readonly string[]): Promise<void> {
    const bySender = await this.#list.markRead(messageIds);
    if (!this.#ctx.readReceipts) return;
    for (const { sender, ids } of bySender) {
      if (!(await mayLink(this.db, sender.name))) continue;
      await this.#ctx.sendControl([sender], { type: 'receipt', receipt: 'read', ids });
    }
  }

  /** Sets how long new messages in this conversation live (null: forever) and tells the other side. */
  async setDisappearingTimer(conversationId: string, expiresInMs: number | null): Promise<void> {
    await this.#ctx.state.put(`timer:${conversationId}`, expiresInMs);
    await this.#control(conversationId, { type: 'timer', expiresInMs });
  }

  async disappearingTimer(conversationId: string): Promise<number | null> {
    return conversationTimer(this.#ctx, conversationId);
  }

  /**
   * Deletes disappearing messages and statuses whose time has come, and rotates the signed prekey when it is
   * due, republishing the bundle (also runs on a timer).
   */
  async sweep(): Promise<void> {
    await sweepExpired(this.#ctx);
    await this.statuses.sweep();
    if ((await this.#preKeys.rotate()) && this.#published) {
      // A relay that is unreachable now gets the new bundle on the next connect (#onReady publishes it).
      await this.#preKeys.republish(this.#home).catch((error: unknown) => this.#report(error));
    }
  }

  async messages(conversationId: string, options?: PageOptions): Promise<MessagePage> {
    return this.db.messages.page(conversationId, options);
  }

  async setTyping(account: string, typing: boolean): Promise<void> {
    await this.#ctx
      .relayFor(account)
      .request('typing', { to: relayIdentityOf({ name: account, deviceId: PRIMARY_DEVICE }), typing });
  }

  /**
   * Who may see this device online: every contact (default) or the accounts given, and whether they see
   * last-seen times. Kept across restarts and applied again on every connect.
   */
  async setPresenceVisibility(
    options: { allow?: readonly string[]; lastSeen?: boolean } = {},
  ): Promise<void> {
    this.#assertOpen();
    await this.#settings.setPresenceVisibility(options);
  }

  /** Watches these accounts' presence (replacing the previous list); resolves their current states. */
  async subscribePresence(accounts: readonly string[]): Promise<ParleyClientEvents['presence'][]> {
    return subscribePresence(this.#relays.all, (account) => this.#relayFor(account), accounts);
  }

  async setUsername(username: string | null): Promise<void> {
    await this.#home.request('username:set', { username });
  }

  async resolveUsername(username: string): Promise<string> {
    const { identity } = await this.#home.request('username:resolve', { username });
    return addressOfRelayIdentity(identity).name;
  }

  /**
   * Closes the direct link to `account`'s device, if one is open. The peer sees the link drop and opens a
   * new one (a new linkId); until then messages go through the relay.
   */
  dropDirectLink(account: string): void {
    this.#direct?.drop(peerOf({ name: account, deviceId: PRIMARY_DEVICE }));
  }

  /** The outbox entries of one message, one per recipient device. */
  async outboxEntries(messageId: string): Promise<OutboxEntry[]> {
    return this.db.outbox.forMessage(messageId);
  }

  /** Closes links, relay connections and the database. Idempotent; resolves once peer connections are down. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#sweepTimer !== undefined) this.#ctx.timers.clearTimeout(this.#sweepTimer);
    this.#turn.close();
    // Stop the pump first, then take away links and relays so an attempt in flight ends now
    // (its entry stays pending, on disk) instead of waiting out its timeouts.
    const pumpStopped = this.#pump.close();
    const linksClosed = this.#direct?.close();
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

  #assertOpen(): void {
    if (this.#closed) throw new ParleyError('CLOSED', 'client is closed');
  }

  #start(): void {
    this.#home.connect();
    this.#pump.kick();
    this.#scheduleSweep();
  }

  #scheduleSweep(): void {
    this.#sweepTimer = this.#ctx.timers.setTimeout(() => {
      if (this.#closed) return;
      void this.sweep().catch((error: unknown) => this.#report(error));
      this.#scheduleSweep();
    }, this.#tuning.sweepIntervalMs);
  }

  get #home(): RelayConnection {
    return this.#relays.home;
  }

  #relayFor(account: string): RelayConnection {
    return this.#relays.for(account);
  }

  async #onReady(relay: RelayConnection, turn: TurnGrant): Promise<void> {
    if (relay !== this.#home) {
      // Another contact's relay: we only deposit, fetch prekeys and signal there.
      this.emit('connected', { relayUrl: relay.url });
      this.#pump.kick();
      return;
    }
    // Ready for links before anything else: peers may signal as soon as the relay says we are online.
    this.#turn.use(turn);
    if (this.#direct === undefined && this.#options.wrtc !== undefined && !this.#closed) {
      this.#direct = this.#links(this.#turn.iceServers);
      // Files that were going over direct links before a restart resume (once, on the first connection).
      void this.#files.restore().catch((error: unknown) => this.#report(error));
    }
    try {
      await this.#preKeys.publish(relay);
      if (this.#closed) return;
      if (relay === this.#home) this.#published = true;
      this.emit('connected', { relayUrl: relay.url });
      void applyPresenceVisibility(relay, this.db, this.#settings.privacy.presence).catch((error: unknown) =>
        this.#report(error),
      );
      this.#pump.kick();
    } catch (error) {
      this.#report(error);
    }
  }

  #links(iceServers: readonly IceServer[]): DirectLinks {
    return new DirectLinks({
      self: peerOf(this.#ctx.self),
      iceServers,
      wrtc: this.#options.wrtc,
      timers: this.#ctx.timers,
      openTimeoutMs: this.#tuning.directOpenTimeoutMs,
      ackTimeoutMs: this.#tuning.linkAckTimeoutMs,
      reconnectDelayMs: this.#tuning.relinkDelayMs,
      unreachableCooldownMs: this.#tuning.unreachableCooldownMs,
      now: this.#ctx.now,
      sendSignal: async (to, signal) => {
        const relay = this.#relayFor(addressOfPeer(to).name);
        const { delivered } = await relay.request('signal', { to: to.identity, ...signal });
        return delivered;
      },
      mayLink: (peer) => mayLink(this.db, addressOfPeer(peer).name),
      sealer: new SignalSealer(this.#ctx),
      transportPolicy: () => (this.#settings.privacy.relayOnlyLinks ? 'relay' : 'all'),
      onRefused: (peer, error) => {
        const account = addressOfPeer(peer).name;
        this.emit('link-refused', { conversationId: directConversationId(account), account, error });
      },
      onEnvelope: (_from, envelope) => this.#inbox.onEnvelope(envelope),
      onRoute: (peer, route) => this.#route(directConversationId(addressOfPeer(peer).name), route),
      onError: (error) => this.emit('error', error),
      onSession: (peer, session) => this.#files.adopt(peer, session),
    });
  }

  #route(conversationId: string, route: Route): void {
    this.emit('route', { conversationId, route });
  }

  async #attempt(batch: readonly OutboxEntry[], mayGo: (sibling: OutboxEntry) => boolean): Promise<void> {
    const routes = {
      direct: () => this.#direct,
      route: (id: string, route: Route) => this.#route(id, route),
    };
    const settled = await attemptBatch(this.#ctx, batch, routes, mayGo);
    for (const sibling of settled) await refreshMessageState(this.#ctx, sibling.messageId);
  }

  /** What the engine's own events set off: chat-list updates, and greeting a new contact or group. */
  #observe<K extends keyof ParleyClientEvents>(event: K, payload: ParleyClientEvents[K]): void {
    this.#list.observe(event, payload);
    if (this.#closed) return;
    const report = (error: unknown) => this.#report(error);
    // A message request is greeted only once accepted (acceptContact): a stranger learns nothing first.
    if (event === 'contact-added' && isAccepted(payload as Contact))
      void this.#settings.welcome(payload as Contact).catch(report);
    if (event === 'group') {
      const { state } = payload as ParleyClientEvents['group'];
      if (state.version === 1 && state.changedBy === this.account) {
        void this.#settings.welcomeGroup(groupConversationId(state.groupId)).catch(report);
      }
    }
  }

  async #afterCommit(sender: ProtocolAddress, content: Content, via: Via): Promise<void> {
    await this.#verification.check(sender.name);
    await applyContent(
      this.#ctx,
      { files: this.#files, groups: this.groups, statuses: this.statuses },
      sender,
      content,
      via,
    );
  }

  async #ensureContact(account: string, displayName?: string): Promise<Contact> {
    return ensureContact(this.#ctx, account, displayName);
  }

  async #recipients(conversationId: string): Promise<{ recipients: ProtocolAddress[]; groupId?: string }> {
    return conversationRecipients(this.#ctx, this.groups, conversationId);
  }

  async #control(conversationId: string, body: ContentBody): Promise<void> {
    const { recipients, groupId } = await this.#recipients(conversationId);
    await this.#ctx.sendControl(recipients, body, groupId);
  }

  async #ownMessage(messageId: string): Promise<StoredMessage> {
    const message = await this.db.messages.get(messageId);
    if (message === undefined) throw new ParleyError('NOT_FOUND', `no message ${messageId}`);
    if (message.direction !== 'outgoing')
      throw new ParleyError('ACCESS_DENIED', 'only the sender may change a message');
    if (message.kind !== undefined)
      throw new ParleyError('BAD_REQUEST', 'a group-change line is not a message anyone sent');
    return message;
  }

  #attachments(recipient?: string): RelayAttachments | undefined {
    const { fetch } = this.#options;
    const home = recipient === undefined ? this.#home : this.#relayFor(recipient);
    if (fetch === undefined || home.auth === undefined) return undefined;
    return new RelayAttachments({
      baseUrl: home.url.replace(/^ws/, 'http').replace(/\/$/, ''),
      token: () => {
        const token = home.auth?.token;
        if (token === undefined) throw new ParleyError('UNAVAILABLE', 'not connected to the relay');
        return token;
      },
      fetch,
    });
  }

  #report(error: unknown): void {
    if (this.#closed && isParleyError(error, 'CLOSED')) return;
    this.emit(
      'error',
      error instanceof ParleyError ? error : new ParleyError('INTERNAL', String(error), { cause: error }),
    );
  }
}
