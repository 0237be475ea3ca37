import type { PeerAddress } from '../../link/link-manager.js';
import type { WebRtcImplementation } from '../../link/options.js';
import type { TransferSession } from '../../transfer/session.js';
import type { IceServer } from '../../protocol/auth.js';
import type { ServerPayload } from '../../protocol/events.js';
import type { EngineContext } from '../context.js';
import type { EngineTuning } from '../options.js';
import type { RelayConnection } from '../relay/relay-connection.js';
import { isParleyError } from '../../errors/index.js';
import type { ProtocolAddress } from '../../crypto/index.js';
import { fromBase64Url } from '../../protocol/encoding.js';
import { equalBytes } from '../shared/bytes.js';
import {
  PRIMARY_DEVICE,
  addressOfPeer,
  addressOfRelayIdentity,
  directConversationId,
  peerOf,
  relayIdentityOf,
} from '../shared/addresses.js';
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
  /** Per account, the route each of its devices' links last took (device-route events; `route` aggregates). */
  readonly #routes = new Map<string, Map<number, Route>>();
  /** Per sending device identity: its signals are resolved to (account, device) one after another, in order. */
  readonly #resolving = new Map<string, Promise<void>>();
  /** Per linked device identity, the linkId of its latest signal (a new one re-checks its account's list). */
  readonly #lastLinkId = new Map<string, string>();

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
      sendSignal: (to, signal) => this.sendSignal(to, signal),
      mayLink: (peer) => this.mayLink(addressOfPeer(peer).name),
      sealer: new SignalSealer(this.ctx),
      transportPolicy: () => (this.ctx.relayOnlyLinks ? 'relay' : 'all'),
      onRefused: (peer, error) => {
        const account = addressOfPeer(peer).name;
        this.ctx.emit('link-refused', { conversationId: directConversationId(account), account, error });
      },
      onEnvelope: (_from, envelope) => this.handlers.onEnvelope(envelope),
      onRoute: (peer, route) => this.deviceRoute(addressOfPeer(peer), route),
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
   * A link signal relayed from a peer device: a data link's to the direct links, a call's to the calls
   * service; both look only at an accepted contact's (or our own account's) signals. A linked device's
   * signal names the account it claims; it counts as that account's device only once the account's signed
   * list names the sending key (fetched when it does not), else it is refused unanswered.
   */
  handleSignal(signal: ServerPayload<'signal'>): void {
    if (signal.kind === 'device-link') {
      this.handlers.onDeviceLinkSignal(signal);
      return;
    }
    const wire = { linkId: signal.linkId, kind: signal.kind, data: signal.data };
    const key = signal.from;
    const next = (this.#resolving.get(key) ?? Promise.resolve()).then(async () => {
      const from = await this.#resolve(signal);
      if (from === undefined) return;
      // The calls service checks the contact in its per-peer queue, so the peer's signals stay in order.
      if (signal.kind === 'call') this.handlers.onCallSignal(from, wire);
      else this.#direct?.handleSignal(from, wire);
    });
    const settled = next.catch((error: unknown) => this.ctx.report(error));
    this.#resolving.set(key, settled);
    void settled.finally(() => {
      if (this.#resolving.get(key) === settled) this.#resolving.delete(key);
    });
  }

  /** The (account, device) a signal came from; undefined (after reporting why) for one to ignore. */
  async #resolve(signal: ServerPayload<'signal'>): Promise<PeerAddress | undefined> {
    if (signal.account === undefined || signal.account === signal.from) {
      return { identity: signal.from, deviceId: String(PRIMARY_DEVICE) };
    }
    const account = addressOfRelayIdentity(signal.account).name;
    // A stranger's claim costs no fetch: its signal is held unopened (DirectLinks) only if its device is known.
    const accepted = await this.mayLink(account);
    const key = fromBase64Url(signal.from);
    const known = this.ctx.devices.list(account)?.devices.find((d) => equalBytes(d.identityKey, key));
    if (!accepted)
      return known === undefined ? undefined : peerOf({ name: account, deviceId: known.deviceId });
    // A new link from a linked device checks its account's current list, not one cached within the TTL: a
    // link hands the peer our addresses, so a device unlinked a minute ago must not get one.
    const fresh = this.#lastLinkId.get(signal.from) !== signal.linkId;
    this.#lastLinkId.set(signal.from, signal.linkId);
    try {
      return peerOf({ name: account, deviceId: await this.ctx.devices.deviceWithKey(account, key, fresh) });
    } catch (error) {
      if (!isParleyError(error, 'UNTRUSTED_IDENTITY')) throw error;
      this.ctx.emit('link-refused', { conversationId: directConversationId(account), account, error });
      return undefined;
    }
  }

  /**
   * Sends one of our (sealed) signals to a peer device through its account's relay, addressed to that
   * device's own identity; a linked device names its account. Resolves whether the device was online.
   */
  async sendSignal(to: PeerAddress, signal: WireLinkSignal): Promise<boolean> {
    const address = addressOfPeer(to);
    const self = this.ctx.self;
    const account = self.deviceId === PRIMARY_DEVICE ? {} : { account: relayIdentityOf(self) };
    const relay = this.relayFor(address.name);
    const target = this.ctx.devices.relayIdentity(address);
    const { delivered } = await relay.request('signal', { to: target, ...signal, ...account });
    return delivered;
  }

  /** Whether devices of `account` may link to this one: our own account's, or an accepted contact's. */
  mayLink(account: string): Promise<boolean> {
    if (account === this.ctx.self.name) return Promise.resolve(true);
    return mayLink(this.ctx.db, account);
  }

  /** Tells the app how this conversation's messages travel now. */
  route(conversationId: string, route: Route): void {
    this.ctx.emit('route', { conversationId, route });
  }

  /** The route each device of `account` took last (by device id), as the device-route events said. */
  routes(account: string): Record<number, Route> {
    return Object.fromEntries(this.#routes.get(account) ?? []);
  }

  /**
   * How messages to one peer device travel now (`device-route`), and so the conversation with its account
   * (`route`, for a contact): the least direct route any of its devices took last (relay, then TURN, then
   * direct), so "direct" means no copy of a message to that person goes through the relay. Our own devices
   * have no conversation: only their device-route.
   */
  deviceRoute(device: ProtocolAddress, route: Route): void {
    const routes = this.#routes.get(device.name) ?? new Map<number, Route>();
    this.#routes.set(device.name, routes);
    routes.set(device.deviceId, route);
    this.ctx.emit('device-route', { account: device.name, deviceId: device.deviceId, route });
    if (device.name === this.ctx.self.name) return;
    const listed = new Set(this.ctx.devices.deviceIds(device.name));
    const current = [...routes].filter(([id]) => listed.has(id)).map(([, each]) => each);
    const worst = RANKED.find((each) => current.includes(each)) ?? route;
    this.route(directConversationId(device.name), worst);
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
    const accounts = contacts.slice(-this.tuning.linkOnConnect).map((contact) => contact.account);
    // Every device of each (as its list was last verified), and our own other devices.
    for (const device of this.ctx.devices.fanOut([this.ctx.self.name, ...accounts])) {
      direct.connect(peerOf(device));
    }
  }

  connect(peer: PeerAddress): void {
    this.#direct?.connect(peer);
  }

  async reachable(peer: PeerAddress): Promise<boolean> {
    return this.#direct === undefined ? false : this.#direct.reachable(peer);
  }

  /**
   * Closes the direct links to `account`'s devices, if open. Each peer sees its link drop and opens a new
   * one (a new linkId); until then messages go through the relay.
   */
  drop(account: string): void {
    for (const deviceId of this.ctx.devices.deviceIds(account)) {
      this.#direct?.drop(peerOf({ name: account, deviceId }));
    }
  }

  /** Closes every open data link; each peer sees its link drop and a new one forms (see `drop`). */
  dropAll(): void {
    this.#direct?.dropAll();
  }

  async close(): Promise<void> {
    await this.#direct?.close();
  }
}

/**
 * Routes from the least to the most direct (`connecting`: open, not yet known to be TURN or direct): a
 * conversation shows the least direct of its devices'.
 */
const RANKED: readonly Route[] = ['relay', 'connecting', 'turn', 'direct'];
