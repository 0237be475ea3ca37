import { z } from 'zod';
import { ParleyError } from '../errors/index.js';
import { IdentitySchema } from '../protocol/common.js';
import { SignalDataSchema, type SignalData } from '../protocol/signalling.js';
import { DataLink } from './data-link.js';
import type { DataLinkOptions } from './options.js';
import { TypedEmitter } from './typed-emitter.js';

/**
 * Who a link goes to: one device of one account. `identity` is the account, `deviceId` the device, so an
 * account's linked devices each get their own links.
 */
export const PeerAddressSchema = z.strictObject({
  identity: IdentitySchema,
  deviceId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
});
export type PeerAddress = z.infer<typeof PeerAddressSchema>;

/** 'data' links carry messages and files; 'call' is reserved for media links, routed elsewhere. */
export type LinkKind = 'data' | 'call';

/** A signal as the manager sends and receives it; the engine wraps it in the relay's SignalSchema. */
export const LinkSignalSchema = z.strictObject({
  linkId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  kind: z.enum(['data', 'call']),
  data: SignalDataSchema,
});
export type LinkSignal = z.infer<typeof LinkSignalSchema>;

/**
 * What happened to an incoming signal: given to its link, started a new link, dropped because its link was
 * closed or replaced ('stale'), because no link has that id and it is not an offer ('unknown-link'),
 * because both sides offered at once and ours wins ('glare'), or left to a 'call' handler.
 */
export type SignalOutcome = 'delivered' | 'new-link' | 'stale' | 'unknown-link' | 'glare' | 'unhandled-kind';

export interface LinkManagerOptions extends Omit<
  DataLinkOptions,
  'initiator' | 'linkId' | 'sendSignal' | 'iceTransportPolicy'
> {
  /** Each new link's ICE transport policy, read when it is created (a setting may change in between). */
  readonly transportPolicy?: () => 'all' | 'relay';
  /** This device; breaks ties when both devices open a link to each other at the same moment. */
  readonly self: PeerAddress;
  readonly sendSignal: (to: PeerAddress, signal: LinkSignal) => void;
  /** Fresh link ids; random by default. */
  readonly newLinkId?: () => string;
  /** How many closed link ids to remember, so their late signals are dropped. Default 256. */
  readonly retiredLinkIds?: number;
}

export interface LinkManagerEvents {
  [event: string]: unknown;
  /** A link was created, by `connect`/`replace` (outgoing) or by the peer's offer (incoming). */
  link: { readonly peer: PeerAddress; readonly link: DataLink; readonly incoming: boolean };
  /** A signal that is not for a data link (a call), left to whoever handles that kind. */
  'unhandled-signal': { readonly from: PeerAddress; readonly signal: LinkSignal };
}

function randomLinkId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

function keyOf(peer: PeerAddress, kind: LinkKind): string {
  return `${peer.identity}/${peer.deviceId}/${kind}`;
}

function isOffer(data: SignalData): boolean {
  return 'type' in data && data.type === 'offer';
}

interface Entry {
  readonly peer: PeerAddress;
  readonly link: DataLink;
}

/**
 * Owns every data link of this device, one per peer device, keyed by peer address and kind. Closing the
 * manager closes them all; a link that closes is forgotten and its id retired, so late signals for it
 * are dropped.
 *
 * simple-peer has no ICE restart, so a link never comes back from the dead: re-establishing is a new link
 * with a new linkId (`connect` after a close, or `replace`). The peer sees the new id's offer and replaces
 * its side too.
 */
export class LinkManager extends TypedEmitter<LinkManagerEvents> {
  readonly #options: LinkManagerOptions;
  readonly #selfKey: string;
  readonly #links = new Map<string, Entry>();
  readonly #retired = new Set<string>();
  readonly #maxRetired: number;
  readonly #newLinkId: () => string;
  #closed = false;
  #torndown: Promise<void> | undefined;

  constructor(options: LinkManagerOptions) {
    super();
    this.#options = options;
    this.#selfKey = keyOf(PeerAddressSchema.parse(options.self), 'data');
    this.#maxRetired = options.retiredLinkIds ?? 256;
    this.#newLinkId = options.newLinkId ?? randomLinkId;
  }

  get size(): number {
    return this.#links.size;
  }

  /** The current link to `peer`, if there is one that has not closed. */
  get(peer: PeerAddress, kind: LinkKind = 'data'): DataLink | undefined {
    return this.#links.get(keyOf(peer, kind))?.link;
  }

  /** Every current link of `kind` that has not closed. */
  all(kind: LinkKind = 'data'): DataLink[] {
    return [...this.#links.entries()]
      .filter(([key, { peer }]) => key === keyOf(peer, kind))
      .map(([, { link }]) => link);
  }

  /** The link to `peer`: the current one while it is connecting or open, otherwise a new one we initiate. */
  connect(peer: PeerAddress): DataLink {
    this.#assertOpen();
    return this.get(peer) ?? this.#create(peer, this.#newLinkId(), true);
  }

  /** Closes the current link to `peer` (if any) and starts a new one with a new linkId. */
  replace(peer: PeerAddress): DataLink {
    this.#assertOpen();
    this.get(peer)?.close();
    return this.#create(peer, this.#newLinkId(), true);
  }

  /**
   * Routes a signal from the relay to its link. Input is validated here: it comes from the peer.
   * An offer with a new linkId starts (or replaces) the peer's link; anything for a retired linkId is dropped.
   */
  handleSignal(from: unknown, signal: unknown): SignalOutcome {
    this.#assertOpen();
    const peer = PeerAddressSchema.safeParse(from);
    const parsed = LinkSignalSchema.safeParse(signal);
    if (!peer.success || !parsed.success) {
      throw new ParleyError('BAD_REQUEST', 'invalid signal', { cause: peer.error ?? parsed.error });
    }
    const { linkId, kind, data } = parsed.data;
    if (kind !== 'data') {
      this.emit('unhandled-signal', { from: peer.data, signal: parsed.data });
      return 'unhandled-kind';
    }
    if (this.#retired.has(linkId)) return 'stale';
    const current = this.get(peer.data);
    if (current !== undefined && current.linkId === linkId) {
      current.receiveSignal(data);
      return 'delivered';
    }
    if (!isOffer(data)) return 'unknown-link';
    if (current !== undefined && current.initiator && current.state === 'connecting') {
      // Both sides offered at once. The device with the larger key keeps its own offer; the other answers.
      if (this.#selfKey > keyOf(peer.data, 'data')) return 'glare';
    }
    current?.close();
    const link = this.#create(peer.data, linkId, false);
    link.receiveSignal(data);
    return 'new-link';
  }

  /** Closes every link. Harmless when already closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const links = [...this.#links.values()].map(({ link }) => link);
    for (const link of links) link.close();
    this.#links.clear();
    this.#torndown = Promise.all(links.map((link) => link.whenClosed())).then(() => undefined);
    this.removeAllListeners();
  }

  /** Resolves once `close()` was called and every link's peer connection is torn down. */
  whenClosed(): Promise<void> {
    return this.#torndown ?? Promise.reject(new ParleyError('BAD_REQUEST', 'link manager is not closed'));
  }

  #assertOpen(): void {
    if (this.#closed) throw new ParleyError('CLOSED', 'link manager is closed');
  }

  #create(peer: PeerAddress, linkId: string, initiator: boolean): DataLink {
    const key = keyOf(peer, 'data');
    const {
      self: _self,
      sendSignal,
      newLinkId: _newLinkId,
      retiredLinkIds: _retired,
      transportPolicy,
      ...linkOptions
    } = this.#options;
    const link = new DataLink({
      ...linkOptions,
      iceTransportPolicy: transportPolicy?.() ?? 'all',
      initiator,
      linkId,
      sendSignal: (data) => sendSignal(peer, { linkId, kind: 'data', data }),
    });
    this.#links.set(key, { peer, link });
    link.on('close', () => {
      if (this.#links.get(key)?.link === link) this.#links.delete(key);
      this.#retire(linkId);
    });
    this.emit('link', { peer, link, incoming: !initiator });
    return link;
  }

  #retire(linkId: string): void {
    this.#retired.add(linkId);
    if (this.#retired.size > this.#maxRetired) {
      const oldest = this.#retired.values().next();
      if (oldest.done !== true) this.#retired.delete(oldest.value);
    }
  }
}
