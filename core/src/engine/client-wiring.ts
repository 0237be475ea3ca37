import { isParleyError } from '../errors/index.js';
import { fromBase64Url } from '../protocol/encoding.js';
import type { AccountSettings } from './account/account-settings.js';
import { BackupService } from './account/backup-service.js';
import type { Device } from './account/device.js';
import { ProfileService } from './account/profile-service.js';
import { SettingsService } from './account/settings-service.js';
import { CallKeysService } from './call-keys/call-keys-service.js';
import { CallsService } from './calls/calls-service.js';
import { ContactsService } from './contacts/contacts-service.js';
import { Verification } from './contacts/verification.js';
import type { EngineContext } from './context.js';
import { engineContext, type ContextHooks } from './context-factory.js';
import { ConversationList } from './conversations/conversation-list.js';
import { ConversationsService } from './conversations/conversations-service.js';
import { DeviceChanges } from './devices/device-changes.js';
import { DevicesService } from './devices/devices-service.js';
import { LinkingService } from './devices/linking/linking-service.js';
import { applySync } from './devices/sync.js';
import { FilesService } from './files/files-service.js';
import { fileOptions } from './files/types.js';
import type { AttachmentOpener } from '../crypto/attachment/opener.js';
import type { AttachmentSealer } from '../crypto/attachment/sealer.js';
import { GroupCallsService } from './group-calls/group-calls-service.js';
import { GroupMeshService } from './group-mesh/group-mesh-service.js';
import { GroupManager } from './groups/group-manager.js';
import { GroupsService } from './groups/groups-service.js';
import { LinksService } from './links/links-service.js';
import { receiptRecipients } from './messaging/copy-receipts.js';
import { Delivery } from './messaging/delivery.js';
import { conversationRecipients } from './messaging/effects.js';
import { MessagesService } from './messaging/messages-service.js';
import { receivingHandlers } from './messaging/receiving.js';
import { DEFAULT_TUNING, type EngineTuning, type ParleyClientOptions } from './options.js';
import { systemTimers } from './platform.js';
import { applyPresenceVisibility } from './presence/presence.js';
import { PresenceService } from './presence/presence-service.js';
import { AccessService } from './relay/access-service.js';
import { BlobInbox } from './relay/blob-inbox.js';
import type { AccessCredentials } from './relay/relay-access.js';
import { attachmentsOf } from './relay/relay-attachments.js';
import { Relays } from './relay/relays.js';
import { StatusManager } from './status/status-manager.js';

/** The feature services the facade exposes (engine/README.md draws them). */
export interface ClientServices {
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
  readonly linking: LinkingService;
  readonly calls: CallsService;
  readonly callKeys: CallKeysService;
  readonly devices: DevicesService;
  readonly groupCalls: GroupCallsService;
  readonly groupMesh: GroupMeshService;
}

/** The engine's own parts behind the services: what the facade starts, sweeps and closes. */
export interface ClientInternals {
  readonly ctx: EngineContext;
  /** The defaults with the options' overrides: what every part was built with. */
  readonly tuning: EngineTuning;
  readonly relays: Relays;
  readonly delivery: Delivery;
  readonly inbox: BlobInbox;
  readonly list: ConversationList;
}

/** What the wiring takes from the facade: its events, its error reporting and its start-time state. */
export interface FacadeHooks {
  readonly emit: ContextHooks['emit'];
  report(error: unknown): void;
  isClosed(): boolean;
  /** Loaded in start() right after the wiring; reached only once something runs. */
  accountSettings(): AccountSettings;
}

/**
 * Builds the shared context and every service of one client, and connects them to each other. Services that
 * need one built after them reach it through a closure over the `let` below, called only once something runs.
 */
export function wireClient(
  options: ParleyClientOptions,
  device: Device,
  access: AccessCredentials | undefined,
  attachments: { readonly opener?: AttachmentOpener; readonly sealer?: AttachmentSealer },
  facade: FacadeHooks,
): ClientServices & ClientInternals {
  const { db } = device;
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };
  const timers = options.timers ?? systemTimers;
  const { report, accountSettings } = facade;
  /* eslint-disable prefer-const -- assigned once below; closures above their assignment read them later */
  let relays: Relays;
  let links: LinksService;
  let delivery: Delivery;
  let files: FilesService;
  let calls: CallsService;
  let linking: LinkingService;
  let inbox: BlobInbox;
  let deviceChanges: DeviceChanges;
  /* eslint-enable prefer-const */
  let counter = 0;
  const relayFor = (account: string) => relays.for(account);
  const home = () => relays.home;
  const ctx = engineContext(
    device,
    { tuning, timers, relayFor, report },
    {
      deviceListChanged: (change) => deviceChanges.apply(change),
      accountSettings,
      sendReceipts: async (to, ids) => {
        // To every device of the sender's account: its copies there show delivered too.
        const devices = await receiptRecipients(ctx, to);
        await delivery.sendControl(devices, { type: 'receipt', receipt: 'delivered', ids: [...ids] });
      },
      nextCounter: () => counter++,
      emit: facade.emit,
      isClosed: facade.isClosed,
      kick: (recipients) => delivery.kick(recipients),
      sendControl: (recipients, body, groupId) => delivery.sendControl(recipients, body, groupId),
    },
  );
  const groupManager = new GroupManager(
    ctx,
    () => delivery.kick(),
    () => home().url,
  );
  const recipients = (conversationId: string) => conversationRecipients(ctx, groupManager, conversationId);
  const verification = new Verification(ctx);
  const list = new ConversationList(ctx, groupManager);
  const contacts = new ContactsService(ctx, verification, home, {
    welcome: (contact) => accountSettings().welcome(contact),
    blocked: async (account) => {
      links.drop(account);
      await accountSettings().contactsChanged();
    },
  });
  const accessService = new AccessService(ctx, home, access);
  const settings = new SettingsService(ctx, accountSettings);
  relays = new Relays(
    ctx,
    {
      homeUrl: options.relayUrl,
      socketFactory: options.socketFactory,
      tuning,
      credentials: () => accessService.credentials,
      contactRelays: contacts.relays,
    },
    {
      homeReady: (iceServers) => {
        links.start(iceServers);
        // Once per client (restore() is idempotent): direct transfers wait for links, uploads for the relay.
        files.restore();
        if (!linking.joining) void links.linkContacts().catch(report);
      },
      connected: (relay) => {
        void applyPresenceVisibility(relay, db, settings.privacy.presence).catch(report);
        // A linked device unlinked while it was off finds out now, not at its first send: 'devices' says so.
        void ctx.devices.assertSelfListed().catch((error: unknown) => {
          if (!isParleyError(error, 'UNTRUSTED_IDENTITY')) report(error);
        });
      },
      // A client becoming another account's device leaves all but the linking's frames for its next start.
      onBlob: (relay, blob) => {
        if (!linking.joining) void inbox.onBlob(relay, blob);
      },
      onSignal: (signal) => {
        if (!linking.joining || signal.kind === 'device-link') links.handleSignal(signal);
      },
    },
  );
  links = new LinksService(ctx, tuning, options.wrtc, relayFor, {
    onEnvelope: (envelope) => inbox.onEnvelope(envelope),
    onSession: (peer, session) => files.adopt(peer, session),
    onCallSignal: (from, signal) => calls.handleSignal(from, signal),
    onDeviceLinkSignal: (signal) => linking.handleSignal(signal),
  });
  const iceServers = () => links.iceServers;
  calls = new CallsService(ctx, {
    wrtc: options.wrtc,
    sendSignal: (to, signal) => links.sendSignal(to, signal),
    iceServers,
    ...(options.callTimeouts === undefined ? {} : { timeouts: options.callTimeouts }),
  });
  delivery = new Delivery(ctx, tuning, links, (id) => list.changed(id));
  const messages = new MessagesService(ctx, list, recipients);
  const groupCalls = new GroupCallsService(ctx, groupManager, home);
  const callKeys = new CallKeysService(ctx, {
    isMember: (groupId, account) => groupManager.isMember(groupId, account),
    ...(tuning.callKeySwitchDelayMs === undefined ? {} : { switchDelayMs: tuning.callKeySwitchDelayMs }),
  });
  const groupMesh = new GroupMeshService(ctx, groupManager, calls, groupCalls);
  const status = new StatusManager(ctx);
  files = new FilesService(
    ctx,
    recipients,
    {
      queue: (message, handed) => delivery.queue(message, handed),
      connect: (peer) => links.connect(peer),
      reachable: (peer) => links.reachable(peer),
      attachments: (to) => attachmentsOf(to === undefined ? home() : relayFor(to), options.fetch),
      drafts: {
        draft: (draft, body) => delivery.draft(draft, body),
        release: (message) => delivery.release(message),
      },
    },
    fileOptions(options, attachments.opener, attachments.sealer),
  );
  const profile = new ProfileService(ctx, accountSettings, home, options.displayName);
  linking = new LinkingService(ctx, {
    home,
    wrtc: options.wrtc,
    iceServers,
    displayName: () => profile.displayName,
    directTimeoutMs: tuning.directOpenTimeoutMs,
    fileSink: fileOptions(options).sink,
    storedFile: options.storedFile,
    answerTimeoutMs: tuning.requestTimeoutMs,
  });
  const handlers = receivingHandlers(ctx, {
    groups: groupManager,
    verification,
    statuses: status,
    callKeys,
    groupMesh,
    files: () => files.manager,
    sync: (sender, body) =>
      applySync(
        ctx,
        {
          markRead: (ids) => list.markRead(ids),
          setFlag: (id, flag, value) => list.setFlag(id, flag, value),
          setVerified: (account, verified) => verification.setVerified(account, verified),
          setReadReceipts: (enabled) => accountSettings().setReadReceipts(enabled),
          contact: (change) => contacts.applySynced(change),
          profile: async ({ displayName, avatar }) => {
            const bytes = avatar === undefined ? undefined : fromBase64Url(avatar);
            await accountSettings().adoptProfile({ displayName, ...(bytes ? { avatar: bytes } : {}) });
          },
        },
        sender,
        body,
      ),
  });
  inbox = new BlobInbox(ctx, handlers, report, facade.isClosed);
  const devices = new DevicesService(ctx, ctx.devices, home);
  // Linking changes the list through client.devices (signed, published, synced), so fan-out knows the new
  // device at once.
  linking.useDeviceList({ add: (key) => devices.addOrKeep(key) });
  deviceChanges = new DeviceChanges(ctx, groupManager);
  return {
    ctx,
    tuning,
    relays,
    delivery,
    inbox,
    list,
    messages,
    conversations: new ConversationsService(ctx, list, messages),
    contacts,
    groups: new GroupsService(ctx, groupManager, contacts),
    files,
    status,
    presence: new PresenceService(() => relays.pool.all, relayFor),
    links,
    profile,
    settings,
    access: accessService,
    backup: new BackupService(ctx, () => delivery.whenSettled()),
    linking,
    calls,
    callKeys,
    devices,
    groupCalls,
    groupMesh,
  };
}
