import { parseIdentityString, tweetnaclBackend } from '../../../crypto/index.js';
import { ParleyError } from '../../../errors/index.js';
import type { WebRtcImplementation } from '../../../link/options.js';
import type { IceServer } from '../../../protocol/auth.js';
import { fromBase64Url, toBase64Url } from '../../../protocol/encoding.js';
import type { ServerPayload } from '../../../protocol/events.js';
import type { EngineContext } from '../../context.js';
import type { RelayConnection } from '../../relay/relay-connection.js';
import { OWN_LIST_KEY, publishingDeviceList, type DeviceListPort } from './device-list-port.js';
import {
  PRIMARY_DEVICE_ID,
  SignedDeviceListSchema,
  type ListedDevice,
  type SignedDeviceList,
} from '../../../protocol/devices.js';
import { decodeClear } from './frames.js';
import { LinkOffer } from './host.js';
import { LinkJoin } from './join.js';
import { parseLinkPayload } from './payload.js';
import { HistoryResume } from './resume-host.js';
import { LINKED_ACCOUNT_KEY, type LinkedAccountRecord, type LinkingDeps } from './types.js';
import { MovedFiles, type MovedFile } from '../attachments/moved-files.js';
import type { FileSinkFactory, StoredFileOpener } from '../../files/file-io.js';
import { FileRecords } from '../../files/file-records.js';

export interface LinkingParts {
  readonly home: () => RelayConnection;
  readonly wrtc: WebRtcImplementation | undefined;
  readonly iceServers: () => readonly IceServer[] | undefined;
  readonly displayName: () => string | undefined;
  readonly directTimeoutMs: number;
  /** Where a moved history's files go once fetched: the client's file sink. */
  readonly fileSink: FileSinkFactory;
  /** The bytes this device keeps of a message's file (the client's `storedFile` option), for our other devices. */
  readonly storedFile?: StoredFileOpener | undefined;
  /** How long the device that linked this one may take to answer before a file fetch gives up. */
  readonly answerTimeoutMs: number;
}

type Session = LinkOffer | LinkJoin | HistoryResume;

/**
 * `client.linking`: linking a new device to this account and moving the history to it (docs/crypto.md
 * "Linking a device"). `offer()` on the existing device, `join(payload)` on the new one, `resume()` on the
 * new one after a break. Frames travel as relay signals of kind 'device-link' until the direct path opens.
 * The account's device list is changed through a `DeviceListPort`: the engine's device-list service once it
 * is wired in (`useDeviceList`), else this device signs and publishes itself (it must be the primary).
 */
export class LinkingService {
  readonly #sessions = new Map<string, Session>();
  #devices: DeviceListPort | undefined;
  #adopt: ((list: SignedDeviceList) => Promise<void>) | undefined;
  readonly #deps: LinkingDeps;
  readonly #moved: MovedFiles;
  /** Link attempts of this client (as the new device) that may make it another account's device. */
  readonly #joining = new Set<LinkJoin>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly parts: LinkingParts,
  ) {
    this.#deps = {
      backend: ctx.crypto.backend ?? tweetnaclBackend,
      randomBytes: ctx.crypto.randomBytes,
      now: ctx.now,
      identity: ctx.identity,
      db: ctx.db,
      state: ctx.state,
      timers: ctx.timers,
      wrtc: parts.wrtc,
      iceServers: parts.iceServers,
      directTimeoutMs: parts.directTimeoutMs,
      adopt: async (list) => {
        await this.#adopt?.(list);
      },
      isListed: async (device) => {
        await ctx.devices.refresh(ctx.self.name, true);
        const listed = ctx.devices.list(ctx.self.name)?.devices ?? [];
        return listed.some((entry) => toBase64Url(entry.identityKey) === device);
      },
      openStoredFile: async (messageId) => {
        const info = await new FileRecords(ctx.state).get(messageId);
        // Only a file this device has whole: one still moving, failed or cancelled has no bytes to give.
        if (info === undefined || info.state !== 'complete' || parts.storedFile === undefined)
          return undefined;
        const { name, mimeType, size } = info;
        return parts.storedFile({ messageId, name, mimeType, size });
      },
      sendSignal: async (to, linkId, frame) => {
        const { delivered } = await parts.home().request('signal', {
          to,
          linkId,
          kind: 'device-link',
          data: { sealed: toBase64Url(frame) },
        });
        if (!delivered)
          throw new ParleyError('UNAVAILABLE', 'the other device is not connected to the relay');
      },
    };
    this.#moved = new MovedFiles(ctx, {
      sink: parts.fileSink,
      linkedAccount: () => this.linkedAccount(),
      openChannel: (record) => this.#openFileChannel(record),
      answerTimeoutMs: parts.answerTimeoutMs,
      directTimeoutMs: parts.directTimeoutMs,
    });
  }

  /**
   * A file of the moved history whose bytes are still on the device that linked this one: where it stands
   * (not fetched, fetching, offline: "available when device N is online", failed), or undefined when its
   * bytes are here.
   */
  movedFile(messageId: string): Promise<MovedFile | undefined> {
    return this.#moved.get(messageId);
  }

  /**
   * Fetches a moved history's file from the device that linked this one, over a new encrypted device-link
   * channel; resolves once its bytes are checked and in the file sink (`file` event, as for any received
   * file). UNAVAILABLE when that device is offline (the file stays `offline` until a later call succeeds).
   */
  fetchFile(messageId: string): Promise<void> {
    return this.#moved.fetch(messageId);
  }

  /** Where list changes go: the engine's device-list service (client.devices) replaces the built-in one. */
  useDeviceList(port: DeviceListPort): void {
    this.#devices = port;
  }

  /**
   * What the new device does with the account's list once the existing device confirmed it: the engine's
   * `adoptLinkedDevice` (this device then speaks for the account under the listed id). Without one, the
   * list is only kept (`linkedAccount()`).
   */
  useAdoption(adopt: (list: SignedDeviceList) => Promise<void>): void {
    this.#adopt = adopt;
  }

  #openFileChannel(record: LinkedAccountRecord): LinkJoin {
    const join = LinkJoin.resume(this.#deps, record, 'files');
    this.#track(join.id, join);
    join.start();
    return join;
  }

  /** "Link a new device": a fresh one-time payload to show as a QR code and text. */
  offer(options: { history?: boolean } = {}): LinkOffer {
    this.ctx.assertOpen();
    const home = this.parts.home();
    const offer = new LinkOffer(this.#deps, {
      account: this.ctx.self.name,
      relay: home.url,
      devices: this.#devices ?? this.#ownList(home),
      displayName: this.parts.displayName(),
      ...(options.history === undefined ? {} : { history: options.history }),
    });
    this.#track(offer.id, offer);
    return offer;
  }

  /**
   * "Link to an existing account": starts the handshake from a scanned or pasted payload. BAD_REQUEST for a
   * malformed payload, CHALLENGE_EXPIRED for an expired one; the returned join reports the rest by events.
   */
  async join(text: string): Promise<LinkJoin> {
    this.ctx.assertOpen();
    const payload = parseLinkPayload(text, this.ctx.now());
    const join = LinkJoin.fromPayload(this.#deps, payload);
    this.#track(join.id, join);
    this.#joining.add(join);
    let welcomed = false;
    join.on('linked', () => {
      welcomed = true;
    });
    join.on('phase', (phase) => {
      // Refused or declined before the account listed us: this client stays what it was.
      if ((phase === 'failed' || phase === 'declined') && !welcomed) this.#joining.delete(join);
    });
    join.start();
    return join;
  }

  /**
   * Whether this client is becoming a device of another account (docs/crypto.md "Linking a device"): from
   * the hello on, until it starts again as that account's device, everything addressed to it but the
   * linking's own frames is left where it waits — blobs unacknowledged on the relay, links and calls
   * unanswered, so their senders fall back to the relay — and it reaches the device on its first start as
   * the account, which reads it as the account's. This client still runs as its own fresh identity: what it
   * read now would land in that identity's chats (a copy of what our other device sent, from "a stranger").
   */
  get joining(): boolean {
    return this.#joining.size > 0;
  }

  /** Picks an interrupted history transfer up from this device's checkpoint, on a new channel. */
  async resume(): Promise<LinkJoin> {
    this.ctx.assertOpen();
    const record = await this.linkedAccount();
    if (record === undefined) throw new ParleyError('NOT_FOUND', 'this device was not linked to an account');
    const join = LinkJoin.resume(this.#deps, record);
    this.#track(join.id, join);
    join.start();
    return join;
  }

  /** The account this device was linked to, with its id and list (the multi-device engine's starting point). */
  async linkedAccount(): Promise<LinkedAccountRecord | undefined> {
    return (await this.ctx.state.get(LINKED_ACCOUNT_KEY)) as LinkedAccountRecord | undefined;
  }

  /**
   * The devices of the newest list this device signed (the primary alone before any link). The engine's
   * device-list service (`client.devices.list()`) supersedes this once wired in.
   */
  async ownDevices(): Promise<ListedDevice[]> {
    const parsed = SignedDeviceListSchema.safeParse(await this.ctx.state.get(OWN_LIST_KEY));
    if (parsed.success) return parsed.data.devices;
    return [
      {
        deviceId: this.ctx.self.deviceId,
        identityKey: toBase64Url(this.ctx.identity.identityKey),
        addedAt: 0,
      },
    ];
  }

  /** A relay signal of kind 'device-link'. Anything unreadable is dropped: it is relay input. */
  handleSignal(signal: ServerPayload<'signal'>): void {
    if (!('sealed' in signal.data)) return;
    let frame: Uint8Array;
    try {
      frame = fromBase64Url(signal.data.sealed);
    } catch {
      return;
    }
    const session = this.#sessions.get(signal.linkId);
    void this.#route(session, signal.from, signal.linkId, frame).catch((error: unknown) =>
      this.ctx.report(error),
    );
  }

  close(): void {
    for (const session of [...this.#sessions.values()]) session.close();
    this.#sessions.clear();
  }

  async #route(session: Session | undefined, from: string, linkId: string, frame: Uint8Array): Promise<void> {
    if (session instanceof LinkJoin) {
      session.handleFrame(from, frame);
      return;
    }
    if (session instanceof LinkOffer) {
      await session.handleFrame(from, frame);
      return;
    }
    if (session instanceof HistoryResume) {
      if (from === session.device) session.channel?.receiveRelay(frame);
      return;
    }
    let clear;
    try {
      clear = decodeClear(frame);
    } catch {
      return;
    }
    if (clear?.t === 'unlinked') {
      await this.#unlinkedHint(from);
      return;
    }
    if (clear?.t !== 'hello' || clear.mode !== 'resume') return;
    const resume = await HistoryResume.answer(
      this.#deps,
      toBase64Url(this.ctx.identity.identityKey),
      from,
      linkId,
      clear,
    );
    if (resume !== undefined) this.#track(linkId, resume);
  }

  /**
   * Our primary says it unlinked a device (devices-service `remove`): this device fetches the account's
   * list at once, and learns from the signed list whether it is still in it ('devices' then names it as
   * removed). Only the account key is heeded, so nobody else makes us fetch.
   */
  async #unlinkedHint(from: string): Promise<void> {
    const { self } = this.ctx;
    if (self.deviceId === PRIMARY_DEVICE_ID) return;
    if (from !== toBase64Url(parseIdentityString(self.name))) return;
    await this.ctx.devices.refresh(self.name, true);
  }

  #track(id: string, session: Session): void {
    this.#sessions.set(id, session);
    session.on('phase', (phase) => {
      if (phase === 'failed' || phase === 'declined' || phase === 'done') {
        // Late frames for a finished attempt are dropped; a finished offer refuses reuse until it expires.
        if (!(session instanceof LinkOffer)) this.#sessions.delete(id);
      }
    });
  }

  #ownList(home: RelayConnection): DeviceListPort {
    const { ctx } = this;
    return publishingDeviceList(
      ctx.identity,
      ctx.self.deviceId,
      ctx.crypto.backend ?? tweetnaclBackend,
      ctx.state,
      {
        fetch: async (account) => (await home.request('devices:fetch', { account })).list,
        publish: async (list) => {
          await home.request('devices:publish', { list });
        },
      },
      ctx.now,
    );
  }
}
