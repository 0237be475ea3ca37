import type { PeerAddress } from '../../link/link-manager.js';
import type { WebRtcImplementation } from '../../link/options.js';
import type { TransferSession } from '../../transfer/session.js';
import type { IceServer } from '../../protocol/auth.js';
import type { ServerPayload } from '../../protocol/events.js';
import type { EngineContext } from '../context.js';
import type { EngineTuning } from '../options.js';
import type { RelayConnection } from '../relay/relay-connection.js';
import { PRIMARY_DEVICE, addressOfPeer, directConversationId, peerOf } from '../shared/addresses.js';
import type { SendRoutes } from '../messaging/outgoing.js';
import { mayLink } from '../contacts/contact-requests.js';
import { DirectLinks, type Route, type WireLinkSignal } from './direct-links.js';
import { SignalSealer } from './signal-sealing.js';

export interface LinkHandlers {
  /** An envelope that arrived over a link; resolves once it is stored (then the peer gets its ack). */
  onEnvelope(envelope: Uint8Array): Promise<void>;
  /** A new link's file-transfer session (transfers attach or resume on it). */
  onSession(peer: PeerAddress, session: TransferSession): void;
  /** A call's signal, still sealed: the calls service checks the sender is an accepted contact and opens it. */
  onCallSignal(from: PeerAddress, signal: WireLinkSignal): void;
  /** A frame of a device-link handshake or channel (engine/devices/linking): not a contact's link. */
  onDeviceLinkSignal(signal: ServerPayload<'signal'>): void;
}

/**
 * `client.links`: the direct links to peers (DirectLinks), set up once the home relay handed out ICE
 * servers, and signalled through each peer's relay. Without `wrtc` there are none and everything goes
 * through the relay.
 */
export class LinksService implements SendRoutes {
  #direct: DirectLinks | undefined;
  #iceServers: readonly IceServer[] | undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly tuning: EngineTuning,
    private readonly wrtc: WebRtcImplementation | undefined,
    private readonly relayFor: (account: string) => RelayConnection,
    private readonly handlers: LinkHandlers,
  ) {}

  /** The direct links, once started; undefined without `wrtc` or before the first authentication. */
  direct(): DirectLinks | undefined {
    return this.#direct;
  }

  /** Sets up direct links (once) with the home relay's ICE servers; true the first time. */
  start(iceServers: readonly IceServer[]): boolean {
    this.#iceServers = iceServers;
    if (this.#direct !== undefined || this.wrtc === undefined) return false;
    this.#direct = new DirectLinks({
      self: peerOf(this.ctx.self),
      iceServers,
      wrtc: this.wrtc,
      timers: this.ctx.timers,
      openTimeoutMs: this.tuning.directOpenTimeoutMs,
      ackTimeoutMs: this.tuning.linkAckTimeoutMs,
      reconnectDelayMs: this.tuning.relinkDelayMs,
      unreachableCooldownMs: this.tuning.unreachableCooldownMs,
      now: this.ctx.now,
      sendSignal: async (to, signal) => {
        const relay = this.relayFor(addressOfPeer(to).name);
        const { delivered } = await relay.request('signal', { to: to.identity, ...signal });
        return delivered;
      },
      mayLink: (peer) => mayLink(this.ctx.db, addressOfPeer(peer).name),
      sealer: new SignalSealer(this.ctx),
      transportPolicy: () => (this.ctx.relayOnlyLinks ? 'relay' : 'all'),
      onRefused: (peer, error) => {
        const account = addressOfPeer(peer).name;
        this.ctx.emit('link-refused', { conversationId: directConversationId(account), account, error });
      },
      onEnvelope: (_from, envelope) => this.handlers.onEnvelope(envelope),
      onRoute: (peer, route) => this.route(directConversationId(addressOfPeer(peer).name), route),
      onError: (error) => this.ctx.emit('error', error),
      onSession: (peer, session) => this.handlers.onSession(peer, session),
    });
    return true;
  }

  /** The home relay's latest ICE (TURN) servers; undefined before the first authentication. */
  get iceServers(): readonly IceServer[] | undefined {
    return this.#iceServers;
  }

  /**
   * A link signal relayed from a peer: a data link's to the direct links, a call's to the calls service;
   * both look only at an accepted contact's signals (anyone else's gets no answer).
   */
  handleSignal(signal: ServerPayload<'signal'>): void {
    if (signal.kind === 'device-link') {
      this.handlers.onDeviceLinkSignal(signal);
      return;
    }
    const from = { identity: signal.from, deviceId: String(PRIMARY_DEVICE) };
    const wire = { linkId: signal.linkId, kind: signal.kind, data: signal.data };
    if (signal.kind !== 'call') {
      this.#direct?.handleSignal(from, wire);
      return;
    }
    // The calls service checks the contact in its per-peer queue, so the peer's signals stay in order.
    this.handlers.onCallSignal(from, wire);
  }

  /** Tells the app how this conversation's messages travel now. */
  route(conversationId: string, route: Route): void {
    this.ctx.emit('route', { conversationId, route });
  }

  /**
   * Offers a link to our contacts (up to `linkOnConnect`, unblocked) on each home-relay connection: a device
   * that comes back online reaches the ones already online, which only answer. Offline contacts cost one
   * signal each, refused at once by the relay's ack.
   */
  async linkContacts(): Promise<void> {
    const direct = this.#direct;
    if (direct === undefined || this.tuning.linkOnConnect <= 0) return;
    const contacts = (await this.ctx.db.contacts.list()).filter((contact) => !contact.blocked);
    for (const contact of contacts.slice(-this.tuning.linkOnConnect)) {
      direct.connect(peerOf({ name: contact.account, deviceId: PRIMARY_DEVICE }));
    }
  }

  connect(peer: PeerAddress): void {
    this.#direct?.connect(peer);
  }

  async reachable(peer: PeerAddress): Promise<boolean> {
    return this.#direct === undefined ? false : this.#direct.reachable(peer);
  }

  /**
   * Closes the direct link to `account`'s device, if one is open. The peer sees the link drop and opens a
   * new one (a new linkId); until then messages go through the relay.
   */
  drop(account: string): void {
    this.#direct?.drop(peerOf({ name: account, deviceId: PRIMARY_DEVICE }));
  }

  async close(): Promise<void> {
    await this.#direct?.close();
  }
}
