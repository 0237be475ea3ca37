import nacl from 'tweetnacl';
import { ParleyError, isParleyError } from '../errors/index.js';
import {
  identityString,
  type CryptoOptions,
  type IdentityKeyPair,
  type ProtocolAddress,
} from '../crypto/index.js';
import { TypedEmitter } from '../link/typed-emitter.js';
import type { IceServer, TurnGrant } from '../protocol/auth.js';
import { toUint8Array } from '../protocol/encoding.js';
import type { ServerPayload } from '../protocol/events.js';
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
import { memorySinkFactory } from './files/file-io.js';
import { GroupManager, parseGroupInvite } from './group-manager.js';
import { receive, type IncomingHandlers, type Via } from './incoming.js';
import { OutboxPump } from './outbox-pump.js';
import { attemptEntry, queueOutgoing, refreshMessageState } from './outgoing.js';
import { Pairwise } from './pairwise.js';
import { systemTimers, type EngineTimers } from './platform.js';
import { RelayAttachments } from './relay-attachments.js';
import { currentBundle, loadOrCreateIdentity, newPreKeyBatch, rotateSignedPreKey } from './prekeys.js';
import { RelayConnection } from './relay-connection.js';
import { SerialQueue } from './serial-queue.js';
import type { EngineStateStore } from './state-store.js';
import { recordReaction, reactionsTo, type Reaction } from './reactions.js';
import { importLegacyEngineState } from './state-store-indexeddb.js';
import { StatusManager } from './status-manager.js';

/** Group messages held back for a sender key that has not arrived yet. */
const MAX_DEFERRED = 256;

/**
 * A Parley device: its identity and database, its relay connection(s), the outbox that delivers through
 * direct links or the relay, and the messages, groups and statuses on top. Start with
 * `ParleyClient.start(options)`; `close()` closes everything it opened.
 */
export class ParleyClient extends TypedEmitter<ParleyClientEvents> {
  readonly account: string;
  readonly displayName: string;
  readonly groups: GroupManager;
  readonly statuses: StatusManager;
  readonly #files: FileManager;

  readonly #options: ParleyClientOptions;
  readonly #tuning: EngineTuning;
  readonly #ctx: EngineContext;
  readonly #relays = new Map<string, RelayConnection>();
  readonly #home: RelayConnection;
  readonly #pump: OutboxPump;
  readonly #inbox = new SerialQueue();
  /** Each contact's home relay (from its contact link), where we deposit for it and signal it. */
  readonly #contactRelays = new Map<string, string>();
  readonly #deferred = new Map<string, { relay: RelayConnection; blob: ServerPayload<'blob'> }>();
  readonly #handlers: IncomingHandlers;
  #direct: DirectLinks | undefined;
  #sweepTimer: unknown;
  #turnTimer: unknown;
  /** The TURN/STUN servers of the home relay's latest grant; never simple-peer's defaults. */
  readonly #iceServers: IceServer[] = [];
  #counter = 0;
  #published = false;
  #closed = false;

  static async start(options: ParleyClientOptions): Promise<ParleyClient> {
    const now = options.now ?? (() => Date.now());
    const db = await openClientDatabase({
      indexedDB: options.indexedDB,
      name: options.databaseName,
      keyWrapper: options.keyWrapper,
      now,
    });
    try {
      const randomBytes = options.randomBytes ?? ((length: number) => nacl.randomBytes(length));
      const crypto = {
        now,
        randomBytes,
        ...(options.cryptoBackend === undefined ? {} : { backend: options.cryptoBackend }),
      };
      const { identity, deviceId } = await loadOrCreateIdentity(db, crypto);
      if (options.stateStore === undefined) {
        await importLegacyEngineState(options.indexedDB, db, options.databaseName);
      }
      const state = options.stateStore ?? db.engineState;
      const client = new ParleyClient(options, db, identity, deviceId, crypto, state);
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
    crypto: CryptoOptions & { now: () => number; randomBytes: (length: number) => Uint8Array },
    state: EngineStateStore,
  ) {
    super();
    this.#options = options;
    this.#tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.account = identityString(identity.identityKey);
    this.displayName = options.displayName ?? this.account.slice(0, 8);
    const timers = options.timers ?? systemTimers;
    const queue = new SerialQueue();
    const self: ProtocolAddress = { name: this.account, deviceId };
    this.#home = this.#connection(options.relayUrl, identity, timers);
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
      readReceipts: options.readReceipts ?? true,
      now: crypto.now,
      newId: () => randomId(crypto.randomBytes),
      nextCounter: () => this.#counter++,
      relayFor: (account) => this.#relayFor(account),
      emit: (event, payload) => this.emit(event, payload),
      sendControl: async (recipients, body, groupId) => {
        const content = await queueOutgoing(this.#ctx, {
          conversationId: controlConversationId(this.account),
          recipients,
          body,
          ...(groupId === undefined ? {} : { groupId }),
        });
        this.#pump.kick();
        return content.id;
      },
    };
    this.#ctx = ctx;
    this.groups = new GroupManager(
      ctx,
      () => this.#pump.kick(),
      () => this.#home.url,
    );
    this.statuses = new StatusManager(ctx);
    this.#files = new FileManager(
      ctx,
      async ({ conversationId, recipient, body, text }) => {
        const content = await queueOutgoing(this.#ctx, {
          conversationId,
          recipients: [recipient],
          body,
          text,
        });
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
    this.#handlers = {
      ensureContact: async (account) => {
        await this.#ensureContact(account);
      },
      isGroupMember: (groupId, account) => this.groups.isMember(groupId, account),
      beforeCommit: (sender, content, stage) => this.groups.beforeCommit(sender, content, stage),
      afterCommit: (sender, content, via) => this.#afterCommit(sender, content, via),
    };
    this.#pump = new OutboxPump(
      db,
      timers,
      crypto.now,
      this.#tuning.retry,
      (entry, mayGo) => this.#attempt(entry, mayGo),
      (entry) => refreshMessageState(this.#ctx, entry.messageId),
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

  /** A `parley://contact` link others can add this account from. */
  contactLink(): string {
    return formatContactLink({
      account: this.account,
      relayUrl: this.#home.url,
      displayName: this.displayName,
    });
  }

  /** Adds (or updates) a contact from a `parley://contact` link and opens the conversation with it. */
  async addContact(link: string): Promise<Contact> {
    const parsed = parseContactLink(link);
    if (parsed.account === this.account) throw new ParleyError('BAD_REQUEST', 'that is this account');
    await this.#ctx.state.put(`contact-relay:${parsed.account}`, parsed.relayUrl);
    this.#contactRelays.set(parsed.account, parsed.relayUrl);
    return this.#ensureContact(parsed.account, parsed.displayName);
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
    if (expiresInMs !== null) await this.#scheduleExpiry(content.id, content.sentAt + expiresInMs);
    this.#pump.kick();
    const stored = await this.db.messages.get(content.id);
    if (stored === undefined) throw new ParleyError('INTERNAL', 'message vanished after commit');
    return stored;
  }

  /**
   * Sends a file (image, video, voice message, anything) to a one-to-one conversation: the message
   * announcing it goes like any message; the bytes go over the direct link and resume if it drops, or
   * through the relay when the peer is offline. Large files come as a FileSource, read a chunk at a time.
   */
  async sendFile(conversationId: string, file: OutgoingFile): Promise<string> {
    this.#assertOpen();
    const { recipients, groupId } = await this.#recipients(conversationId);
    const [recipient] = recipients;
    if (groupId !== undefined || recipient === undefined || recipients.length !== 1) {
      throw new ParleyError('BAD_REQUEST', 'files go to one-to-one conversations for now');
    }
    return this.#files.send(conversationId, recipient, file);
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
    const bySender = new Map<string, { sender: ProtocolAddress; ids: string[] }>();
    for (const id of messageIds) {
      const message = await this.db.messages.get(id);
      if (message === undefined || message.direction !== 'incoming' || message.state === 'read') continue;
      await this.db.messages.setState(id, 'read');
      const key = `${message.sender.name}.${message.sender.deviceId}`;
      const entry = bySender.get(key) ?? { sender: message.sender, ids: [] };
      entry.ids.push(id);
      bySender.set(key, entry);
    }
    if (!this.#ctx.readReceipts) return;
    for (const { sender, ids } of bySender.values()) {
      await this.#ctx.sendControl([sender], { type: 'receipt', receipt: 'read', ids });
    }
  }

  /** Sets how long new messages in this conversation live (null: forever) and tells the other side. */
  async setDisappearingTimer(conversationId: string, expiresInMs: number | null): Promise<void> {
    await this.#ctx.state.put(`timer:${conversationId}`, expiresInMs);
    await this.#control(conversationId, { type: 'timer', expiresInMs });
  }

  async disappearingTimer(conversationId: string): Promise<number | null> {
    const value = await this.#ctx.state.get(`timer:${conversationId}`);
    return typeof value === 'number' ? value : null;
  }

  /**
   * Deletes disappearing messages and statuses whose time has come, and rotates the signed prekey when it is
   * due, republishing the bundle (also runs on a timer).
   */
  async sweep(): Promise<void> {
    const now = this.#ctx.now();
    for (const key of await this.#ctx.state.keys('expire:')) {
      const at = await this.#ctx.state.get(key);
      if (typeof at !== 'number' || at > now) continue;
      const messageId = key.slice('expire:'.length);
      await this.db.messages.deleteForEveryone(messageId, now);
      await this.#ctx.state.delete(key);
      this.emit('message-deleted', { messageId, reason: 'expired' });
    }
    await this.statuses.sweep();
    if ((await this.#rotateSignedPreKey()) && this.#published) {
      // A relay that is unreachable now gets the new bundle on the next connect (#onReady publishes it).
      await this.#home
        .request('prekeys:publish', { bundle: await currentBundle(this.db, this.#ctx.identity) })
        .catch((error: unknown) => this.#report(error));
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

  /** Who may see this device online: every contact (default) or the accounts given. */
  async setPresenceVisibility(
    options: { allow?: readonly string[]; lastSeen?: boolean } = {},
  ): Promise<void> {
    const allow = options.allow ?? (await this.db.contacts.list()).map((contact) => contact.account);
    await this.#home.request('presence:visibility', {
      allow: allow.map((account) => relayIdentityOf({ name: account, deviceId: PRIMARY_DEVICE })),
      lastSeen: options.lastSeen ?? true,
    });
  }

  /**
   * Watches these accounts' presence (replacing the previous list), each on its own home relay; resolves
   * their current states. Accounts that do not allow us see nothing.
   */
  async subscribePresence(accounts: readonly string[]): Promise<ParleyClientEvents['presence'][]> {
    const byRelay = new Map<RelayConnection, string[]>();
    for (const relay of this.#relays.values()) if (relay.ready) byRelay.set(relay, []);
    for (const account of accounts) {
      const relay = this.#relayFor(account);
      byRelay.set(relay, [...(byRelay.get(relay) ?? []), account]);
    }
    const answers = await Promise.all(
      [...byRelay].map(([relay, list]) =>
        relay.request('presence:subscribe', {
          identities: list.map((account) => relayIdentityOf({ name: account, deviceId: PRIMARY_DEVICE })),
        }),
      ),
    );
    return answers.flatMap(({ presence }) => presence.map((state) => this.#presence(state)));
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
    if (this.#turnTimer !== undefined) this.#ctx.timers.clearTimeout(this.#turnTimer);
    // Stop the pump first, then take away links and relays so an attempt in flight ends now
    // (its entry stays pending, on disk) instead of waiting out its timeouts.
    const pumpStopped = this.#pump.close();
    const linksClosed = this.#direct?.close();
    for (const relay of this.#relays.values()) relay.close();
    this.#relays.clear();
    await pumpStopped;
    await linksClosed;
    await this.#inbox.idle();
    await this.#ctx.queue.idle();
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

  #connection(url: string, identity: IdentityKeyPair, timers: EngineTimers): RelayConnection {
    const relay = new RelayConnection({
      url,
      socketFactory: this.#options.socketFactory,
      identity,
      timers,
      requestTimeoutMs: this.#tuning.requestTimeoutMs,
      reconnectDelayMs: this.#tuning.relayReconnectDelayMs,
    });
    this.#relays.set(url, relay);
    relay.on('ready', (auth) => void this.#onReady(relay, auth.turn));
    relay.on('down', ({ reason }) => {
      if (relay === this.#home) this.#published = false;
      this.emit('disconnected', { relayUrl: url, reason });
    });
    relay.on('error', (error) => this.emit('error', error));
    relay.on('blob', (blob) => void this.#onBlob(relay, blob));
    relay.on('blob:delivered', (notice) => {
      void relay
        .request('notice:ack', { notices: [{ id: notice.id, recipient: notice.recipient }] })
        .catch(() => undefined);
    });
    relay.on('prekeys:low', () => void this.#replenish(relay));
    relay.on('signal', (signal) => {
      const from = { identity: signal.from, deviceId: String(PRIMARY_DEVICE) };
      this.#direct?.handleSignal(from, { linkId: signal.linkId, kind: signal.kind, data: signal.data });
    });
    relay.on('typing', ({ from, typing }) =>
      this.emit('typing', { account: addressOfRelayIdentity(from).name, typing }),
    );
    relay.on('presence', (state) => this.emit('presence', this.#presence(state)));
    return relay;
  }

  #presence(state: ServerPayload<'presence'>): ParleyClientEvents['presence'] {
    return {
      account: addressOfRelayIdentity(state.identity).name,
      online: state.online,
      ...(state.lastSeen === undefined ? {} : { lastSeen: state.lastSeen }),
    };
  }

  /**
   * New links use the home relay's current TURN grant: the array is updated in place (the link manager
   * reads it for every link it creates), and refreshed with `turn:refresh` shortly before it expires.
   */
  #useTurnGrant(turn: TurnGrant): void {
    this.#iceServers.splice(0, this.#iceServers.length, ...turn.iceServers);
    if (this.#turnTimer !== undefined) this.#ctx.timers.clearTimeout(this.#turnTimer);
    const lifetime = turn.expiresAt - this.#ctx.now();
    if (this.#closed || turn.iceServers.length === 0 || lifetime <= 0) return;
    this.#turnTimer = this.#ctx.timers.setTimeout(
      () => {
        this.#turnTimer = undefined;
        if (this.#closed) return;
        this.#home.request('turn:refresh', {}).then(
          ({ turn: fresh }) => this.#useTurnGrant(fresh),
          (error: unknown) => this.#report(error),
        );
      },
      Math.max(1_000, lifetime * 0.9),
    );
  }

  /** The connection to `account`'s relay: the home relay, or one opened (and authenticated) on first use. */
  #relayFor(account: string): RelayConnection {
    const url = this.#contactRelays.get(account);
    if (url === undefined || url === this.#home.url) return this.#home;
    const existing = this.#relays.get(url);
    if (existing !== undefined) return existing;
    if (this.#closed) throw new ParleyError('CLOSED', 'client is closed');
    const relay = this.#connection(url, this.#ctx.identity, this.#ctx.timers);
    relay.connect();
    return relay;
  }

  async #onReady(relay: RelayConnection, turn: TurnGrant): Promise<void> {
    if (relay !== this.#home) {
      // Another contact's relay: we only deposit, fetch prekeys and signal there.
      this.emit('connected', { relayUrl: relay.url });
      this.#pump.kick();
      return;
    }
    // Ready for links before anything else: peers may signal as soon as the relay says we are online.
    if (relay === this.#home) this.#useTurnGrant(turn);
    if (this.#direct === undefined && this.#options.wrtc !== undefined && !this.#closed) {
      this.#direct = this.#links(this.#iceServers);
      // Files that were going over direct links before a restart resume (once, on the first connection).
      void this.#files.restore().catch((error: unknown) => this.#report(error));
    }
    try {
      await this.#rotateSignedPreKey();
      const created = (await this.db.preKeys.oneTimePreKeyIds()).length === 0;
      const bundle = created
        ? await newPreKeyBatch(this.db, this.#ctx.identity, this.#ctx.crypto)
        : await currentBundle(this.db, this.#ctx.identity);
      await relay.request('prekeys:publish', { bundle });
      if (this.#closed) return;
      if (relay === this.#home) this.#published = true;
      this.emit('connected', { relayUrl: relay.url });
      this.#pump.kick();
    } catch (error) {
      this.#report(error);
    }
  }

  #rotateSignedPreKey(): Promise<boolean> {
    return rotateSignedPreKey(this.db, this.#ctx.identity, this.#ctx.crypto, {
      rotationMs: this.#tuning.signedPreKeyRotationMs,
      graceMs: this.#tuning.signedPreKeyGraceMs,
    });
  }

  async #replenish(relay: RelayConnection): Promise<void> {
    try {
      await relay.request('prekeys:publish', {
        bundle: await newPreKeyBatch(this.db, this.#ctx.identity, this.#ctx.crypto),
      });
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
      onEnvelope: async (_from, envelope) => {
        // Link envelopes join the same per-device order as relay blobs.
        try {
          const result = await receive(this.#ctx, this.#handlers, envelope, 'direct');
          if (result === 'stored' && this.#deferred.size > 0) {
            void this.#inbox.run('relay', () => this.#retryDeferred());
          }
        } catch (error) {
          this.#report(error);
        }
      },
      onRoute: (peer, route) => this.#route(directConversationId(addressOfPeer(peer).name), route),
      onError: (error) => this.emit('error', error),
      onSession: (peer, session) => this.#files.adopt(peer, session),
    });
  }

  #route(conversationId: string, route: Route): void {
    this.emit('route', { conversationId, route });
  }

  async #onBlob(relay: RelayConnection, blob: ServerPayload<'blob'>): Promise<void> {
    // One blob at a time, in the order the relay pushes them (its deposit order).
    await this.#inbox.run('relay', async () => {
      const result = await this.#receiveBlob(relay, blob);
      if (result === 'deferred') {
        // A group message ahead of its sender key: kept (unacknowledged) until a key arrives.
        this.#deferred.set(blob.id, { relay, blob });
        if (this.#deferred.size > MAX_DEFERRED)
          this.#deferred.delete(this.#deferred.keys().next().value ?? '');
      } else if (result === 'stored') {
        await this.#retryDeferred();
      }
    });
  }

  /** After anything was stored (it may have been a sender key), tries the held-back group messages again. */
  async #retryDeferred(): Promise<void> {
    for (const [id, waiting] of [...this.#deferred]) {
      if ((await this.#receiveBlob(waiting.relay, waiting.blob)) !== 'deferred') this.#deferred.delete(id);
    }
  }

  /** Receives one blob and acknowledges it unless it must wait; a blob that cannot be read is acked too. */
  async #receiveBlob(relay: RelayConnection, blob: ServerPayload<'blob'>): Promise<string> {
    if (this.#closed) return 'closed';
    let result: string;
    try {
      result = await receive(this.#ctx, this.#handlers, toUint8Array(blob.payload).subarray(0), 'relay');
    } catch (error) {
      if (this.#closed) return 'closed';
      this.#report(error);
      result = 'rejected';
    }
    if (result === 'deferred' || this.#closed) return result;
    await relay.request('blob:ack', { ids: [blob.id] }).catch((error: unknown) => this.#report(error));
    return result;
  }

  async #attempt(entry: OutboxEntry, mayGo: (sibling: OutboxEntry) => boolean): Promise<void> {
    const routes = {
      direct: () => this.#direct,
      route: (id: string, route: Route) => this.#route(id, route),
    };
    const settled = await attemptEntry(this.#ctx, entry, routes, mayGo);
    for (const sibling of settled) await refreshMessageState(this.#ctx, sibling.messageId);
  }

  async #afterCommit(sender: ProtocolAddress, content: Content, via: Via): Promise<void> {
    await applyContent(
      this.#ctx,
      { files: this.#files, groups: this.groups, statuses: this.statuses },
      sender,
      content,
      via,
    );
  }

  async #scheduleExpiry(messageId: string, at: number): Promise<void> {
    await this.#ctx.state.put(`expire:${messageId}`, at);
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
