import { ParleyError } from '../../errors/index.js';
import type { DataLink } from '../../link/data-link.js';
import { FramedLink, LinkChannel } from '../../link/framed-link.js';
import { LinkManager, type LinkSignal, type PeerAddress } from '../../link/link-manager.js';
import type { WebRtcImplementation } from '../../link/options.js';
import type { IceServer } from '../../protocol/auth.js';
import type { SealedSignalData, WireSignalData } from '../../protocol/signalling.js';
import { concatBytes, utf8 } from '../../protocol/encoding.js';
import { TransferSession } from '../../transfer/session.js';
import type { EngineTimers } from '../platform.js';

/**
 * Per conversation: straight to the peer, through a TURN server, or through the relay's offline store;
 * `connecting` while a link is open but its stats have not yet said which of the first two it is.
 */
export type Route = 'direct' | 'turn' | 'relay' | 'connecting';

export interface DirectLinksOptions {
  readonly self: PeerAddress;
  readonly iceServers: readonly IceServer[];
  readonly wrtc: WebRtcImplementation | undefined;
  readonly timers: EngineTimers;
  /** How long a send waits for a link to open before the caller falls back to the relay. */
  readonly openTimeoutMs: number;
  /** How long a send over an open link waits for the peer's acknowledgement. */
  readonly ackTimeoutMs: number;
  /** Delay before re-establishing a link that dropped after it was open. */
  readonly reconnectDelayMs: number;
  /** After a link to a peer timed out opening, sends skip the direct route to it for this long. */
  readonly unreachableCooldownMs: number;
  readonly now: () => number;
  /** Sends a (sealed) signal through the relay; resolves whether the peer was online to receive it. */
  readonly sendSignal: (to: PeerAddress, signal: WireLinkSignal) => Promise<boolean>;
  /** Whether `peer` may link to us at all: a contact the person accepted. Others' signals get no answer. */
  readonly mayLink: (peer: PeerAddress) => Promise<boolean>;
  /** Seals and opens signals in the pair's session (signal-sealing.ts); open throws for anything altered. */
  readonly sealer: {
    seal(to: PeerAddress, signal: LinkSignal): Promise<SealedSignalData>;
    open(from: PeerAddress, signal: WireLinkSignal): Promise<LinkSignal>;
  };
  /** 'relay': gather only TURN candidates, so no peer learns this device's addresses (read per link). */
  readonly transportPolicy: () => 'all' | 'relay';
  /** A link refused because its signalling did not open: altered or replaced on the way (fail closed). */
  readonly onRefused: (peer: PeerAddress, error: ParleyError) => void;
  /** Handles one envelope from a peer; resolves once it is stored (then the peer gets its ack). */
  readonly onEnvelope: (from: PeerAddress, envelope: Uint8Array) => Promise<void>;
  readonly onRoute: (peer: PeerAddress, route: Route) => void;
  readonly onError: (error: ParleyError) => void;
  /** Each new link's file-transfer session, so transfers attach (or resume) on it. */
  readonly onSession: (peer: PeerAddress, session: TransferSession) => void;
}

/** A signal as it travels through the relay: linkId and kind in clear, the data sealed. */
export interface WireLinkSignal {
  readonly linkId: string;
  readonly kind: 'data' | 'call';
  readonly data: WireSignalData;
}

/**
 * Sealed signals the relay could not hand to an offline peer, at most, before this device stops trying links
 * to it. Each one advanced the pair's ratchet by a message the peer will never see, and a receiver skips at
 * most 1,000 in one step (docs/crypto.md); the count starts again when the peer signals or takes a signal.
 */
export const MAX_UNDELIVERED_SIGNALS = 32;
/** Signals kept per not-yet-accepted peer (one attempt's offer and candidates), and peers kept. */
const MAX_HELD_SIGNALS = 32;
const MAX_HELD_PEERS = 64;

const FRAME_ENVELOPE = 1;
const FRAME_ACK = 2;
const decoder = new TextDecoder();

function frame(type: number, ref: string, body: Uint8Array = new Uint8Array()): Uint8Array {
  const refBytes = utf8(ref);
  if (refBytes.length > 255) throw new ParleyError('BAD_REQUEST', 'reference too long');
  return concatBytes(new Uint8Array([type, refBytes.length]), refBytes, body);
}

function parseFrame(bytes: Uint8Array): { type: number; ref: string; body: Uint8Array } {
  const length = bytes[1];
  const type = bytes[0];
  if (type === undefined || length === undefined || bytes.length < 2 + length) {
    throw new ParleyError('BAD_REQUEST', 'malformed link frame');
  }
  return { type, ref: decoder.decode(bytes.subarray(2, 2 + length)), body: bytes.subarray(2 + length) };
}

/**
 * The direct route: one data link per peer device (LinkManager), the same sealed envelopes the relay
 * would carry, each acknowledged by the peer once stored. A link that drops after it was open is
 * re-established with a new linkId; one that cannot open (peer offline, no route) makes `send` answer
 * false, and the caller uses the relay.
 */
export class DirectLinks {
  readonly #options: DirectLinksOptions;
  readonly #manager: LinkManager;
  readonly #framed = new Map<DataLink, FramedLink>();
  readonly #acks = new Map<string, () => void>();
  readonly #timers = new Set<unknown>();
  /** Per peer, the signals being opened (in) or sealed (out): each in arrival order, one at a time. */
  readonly #inbound = new Map<string, Promise<void>>();
  readonly #outbound = new Map<string, Promise<void>>();
  /** Per peer, sealed signals lost because it was offline since it was last heard (MAX_UNDELIVERED_SIGNALS). */
  readonly #undelivered = new Map<string, number>();
  /**
   * Per peer, sealed signals that arrived while it was not (yet) an accepted contact: unopened and unanswered,
   * so it learns nothing. If the person then accepts or adds it, they are opened before our own first offer:
   * otherwise its pending offer, which glare resolution may keep over ours, would never be answered.
   */
  readonly #held = new Map<string, Array<{ signal: WireLinkSignal; at: number }>>();
  /** Peers whose last link attempt timed out (online but unreachable, or without WebRTC), until when. */
  readonly #unreachableUntil = new Map<string, number>();
  #closed = false;

  constructor(options: DirectLinksOptions) {
    this.#options = options;
    this.#manager = new LinkManager({
      self: options.self,
      iceServers: options.iceServers,
      ...(options.wrtc === undefined ? {} : { wrtc: options.wrtc }),
      timers: options.timers,
      connectTimeoutMs: options.openTimeoutMs,
      transportPolicy: options.transportPolicy,
      sendSignal: (to, signal) => this.#signal(to, signal),
    });
    this.#manager.on('link', ({ peer, link }) => this.#adopt(peer, link));
  }

  /**
   * A signal from the relay for one of our links (or an offer that starts one). Only an accepted contact's
   * signals are looked at, and only once they open in the pair's session; one that does not open closes
   * the link it names (fail closed) and is reported, so no altered SDP or candidate reaches WebRTC.
   */
  handleSignal(from: PeerAddress, signal: WireLinkSignal): void {
    if (this.#closed) return;
    const key = peerKey(from);
    const next = (this.#inbound.get(key) ?? Promise.resolve()).then(() => this.#open(from, signal));
    this.#inbound.set(key, next);
    void next.finally(() => {
      if (this.#inbound.get(key) === next) this.#inbound.delete(key);
    });
  }

  async #open(from: PeerAddress, signal: WireLinkSignal): Promise<void> {
    if (this.#closed) return;
    if (!(await this.#options.mayLink(from))) {
      this.#hold(from, signal);
      return;
    }
    let opened: LinkSignal;
    try {
      opened = await this.#options.sealer.open(from, signal);
    } catch (error) {
      if (this.#closed) return;
      const link = this.#manager.get(from);
      if (link?.linkId === signal.linkId) link.close();
      this.#options.onRefused(
        from,
        error instanceof ParleyError ? error : new ParleyError('DECRYPT_FAILED', 'signal did not open'),
      );
      return;
    }
    if (this.#closed) return;
    this.#undelivered.delete(peerKey(from));
    try {
      this.#manager.handleSignal(from, opened);
    } catch (error) {
      this.#options.onError(
        error instanceof ParleyError ? error : new ParleyError('BAD_REQUEST', 'bad signal'),
      );
    }
  }

  isOpen(peer: PeerAddress): boolean {
    return this.#manager.get(peer)?.state === 'open';
  }

  /** Whether a link to `peer` is open, or opens within the open timeout. */
  async reachable(peer: PeerAddress): Promise<boolean> {
    if (this.#closed || !(await this.#mayTry(peer))) return false;
    return this.#whenOpen(this.#manager.connect(peer));
  }

  /** Closes the link to `peer` from this side. */
  drop(peer: PeerAddress): void {
    this.#manager.get(peer)?.close();
  }

  /** Closes every data link from this side. */
  dropAll(): void {
    for (const link of this.#manager.all()) link.close();
  }

  /** Starts a link to `peer` unless one is open or opening. */
  connect(peer: PeerAddress): DataLink | undefined {
    if (this.#closed) return undefined;
    return this.#manager.connect(peer);
  }

  /**
   * Sends one envelope over the link to `peer`; true once the peer acknowledged it, false to use the relay.
   * `handed` is called once the envelope is on the link, before the peer could acknowledge it.
   */
  async send(peer: PeerAddress, ref: string, envelope: Uint8Array, handed?: () => void): Promise<boolean> {
    if (this.#closed) return false;
    const until = this.#unreachableUntil.get(peerKey(peer));
    if (until !== undefined && until > this.#options.now() && !this.isOpen(peer)) return false;
    if (!(await this.#mayTry(peer))) return false;
    const link = this.#manager.connect(peer);
    if (!(await this.#whenOpen(link))) return false;
    const framed = this.#framed.get(link);
    if (framed === undefined) return false;
    const acked = new Promise<boolean>((resolve) => {
      const timer = this.#options.timers.setTimeout(() => finish(false), this.#options.ackTimeoutMs);
      const offClose = link.on('close', () => finish(false));
      const finish = (ok: boolean) => {
        this.#options.timers.clearTimeout(timer);
        offClose();
        this.#acks.delete(ref);
        resolve(ok);
      };
      this.#acks.set(ref, () => finish(true));
    });
    try {
      await framed.send(LinkChannel.message, frame(FRAME_ENVELOPE, ref, envelope));
      handed?.();
    } catch {
      this.#acks.get(ref)?.();
      this.#acks.delete(ref);
      return false;
    }
    return acked;
  }

  /** Closes every link; resolves once their peer connections are torn down. Idempotent. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      for (const timer of this.#timers) this.#options.timers.clearTimeout(timer);
      this.#timers.clear();
      this.#manager.close();
    }
    await this.#manager.whenClosed();
  }

  #whenOpen(link: DataLink): Promise<boolean> {
    if (link.state === 'open') return Promise.resolve(true);
    if (link.state === 'closed') return Promise.resolve(false);
    return new Promise((resolve) => {
      const offOpen = link.on('open', () => done(true));
      const offClose = link.on('close', () => done(false));
      const done = (open: boolean) => {
        offOpen();
        offClose();
        resolve(open);
      };
    });
  }

  /**
   * Whether to try a link to `peer` now: an open one is used; otherwise only to an accepted contact (our offer
   * carries our candidates, which a message request must not get) not gone quiet (MAX_UNDELIVERED_SIGNALS).
   */
  async #mayTry(peer: PeerAddress): Promise<boolean> {
    if (this.isOpen(peer)) return true;
    if ((this.#undelivered.get(peerKey(peer)) ?? 0) >= MAX_UNDELIVERED_SIGNALS) return false;
    if (!(await this.#options.mayLink(peer)) || this.#closed) return false;
    await this.#openHeld(peer);
    return !this.#closed;
  }

  #hold(from: PeerAddress, signal: WireLinkSignal): void {
    const key = peerKey(from);
    const held = this.#held.get(key) ?? [];
    // Only the latest attempt matters; a new linkId starts over. Bounded per peer and in peers.
    const kept = held.filter((each) => each.signal.linkId === signal.linkId).slice(-(MAX_HELD_SIGNALS - 1));
    this.#held.delete(key);
    this.#held.set(key, [...kept, { signal, at: this.#options.now() }]);
    if (this.#held.size > MAX_HELD_PEERS) this.#held.delete(this.#held.keys().next().value as string);
  }

  /**
   * Opens what `peer` signalled before it was accepted, in order, ahead of anything new from it; only while its
   * attempt can still be alive (the peer gives up after the same open timeout), else ours starts afresh.
   */
  async #openHeld(peer: PeerAddress): Promise<void> {
    const key = peerKey(peer);
    const held = this.#held.get(key);
    if (held === undefined) return;
    this.#held.delete(key);
    const first = held[0];
    if (first === undefined || this.#options.now() - first.at >= this.#options.openTimeoutMs) return;
    for (const { signal } of held) this.handleSignal(peer, signal);
    await this.#inbound.get(key);
  }

  #signal(to: PeerAddress, signal: LinkSignal): void {
    const giveUp = () => {
      const link = this.#manager.get(to);
      if (link?.linkId === signal.linkId && link.state === 'connecting') link.close();
    };
    // Sealed one after another per peer, so the ratchet messages leave in the order simple-peer made them.
    const key = peerKey(to);
    const next = (this.#outbound.get(key) ?? Promise.resolve()).then(async () => {
      if (this.#closed) return;
      if ((this.#undelivered.get(key) ?? 0) >= MAX_UNDELIVERED_SIGNALS) {
        giveUp();
        return;
      }
      try {
        const data = await this.#options.sealer.seal(to, signal);
        // Not awaited: the next signal leaves right behind this one, in order, without waiting for the ack.
        const delivered = this.#options.sendSignal(to, { linkId: signal.linkId, kind: signal.kind, data });
        void delivered.then((online) => {
          if (online) this.#undelivered.delete(key);
          else {
            // The peer is offline: this sealed signal is lost, and the attempt given up now, not at the timeout.
            this.#undelivered.set(key, (this.#undelivered.get(key) ?? 0) + 1);
            giveUp();
          }
        }, giveUp);
      } catch (error) {
        giveUp();
        if (!this.#closed)
          this.#options.onError(
            error instanceof ParleyError ? error : new ParleyError('INTERNAL', String(error)),
          );
      }
    });
    this.#outbound.set(key, next);
    void next.finally(() => {
      if (this.#outbound.get(key) === next) this.#outbound.delete(key);
    });
  }

  #adopt(peer: PeerAddress, link: DataLink): void {
    const framed = new FramedLink(link);
    this.#framed.set(link, framed);
    let wasOpen = false;
    // At 'open' the selected pair has not been read yet (link.route 'unknown'): a relay-only link must not
    // claim 'direct' until its stats say which it is.
    const reportRoute = () =>
      this.#options.onRoute(peer, link.route === 'unknown' ? 'connecting' : link.route);
    // Listening from the start: the peer may send its first transfer message before our 'open' fires.
    const transfers = new TransferSession(framed);
    link.on('open', () => {
      wasOpen = true;
      this.#unreachableUntil.delete(peerKey(peer));
      reportRoute();
      this.#options.onSession(peer, transfers);
    });
    link.on('route', reportRoute);
    framed.on('message', ({ channel, payload }) => {
      if (channel === LinkChannel.message) void this.#onFrame(peer, framed, payload);
    });
    framed.on('protocol-error', (error) => this.#options.onError(error));
    link.on('close', ({ reason }) => {
      this.#framed.delete(link);
      if (reason === 'timeout') {
        this.#unreachableUntil.set(peerKey(peer), this.#options.now() + this.#options.unreachableCooldownMs);
      } else if (wasOpen) this.#unreachableUntil.delete(peerKey(peer));
      if (!wasOpen || this.#closed) return;
      if (this.#manager.get(peer) === undefined) this.#options.onRoute(peer, 'relay');
      if (reason === 'local') return;
      // Dropped while open: try once more, with a new linkId. If the peer is gone, the signal's ack says so.
      const timer = this.#options.timers.setTimeout(() => {
        this.#timers.delete(timer);
        if (!this.#closed && this.#manager.get(peer) === undefined) this.#manager.connect(peer);
      }, this.#options.reconnectDelayMs);
      this.#timers.add(timer);
    });
  }

  async #onFrame(peer: PeerAddress, framed: FramedLink, payload: Uint8Array): Promise<void> {
    let parsed;
    try {
      parsed = parseFrame(payload);
    } catch (error) {
      this.#options.onError(error as ParleyError);
      return;
    }
    if (parsed.type === FRAME_ACK) {
      this.#acks.get(parsed.ref)?.();
      return;
    }
    if (parsed.type !== FRAME_ENVELOPE) return;
    await this.#options.onEnvelope(peer, parsed.body);
    if (framed.link.state !== 'open') return;
    try {
      await framed.send(LinkChannel.message, frame(FRAME_ACK, parsed.ref));
    } catch {
      // The link closed; the sender falls back to the relay and the copy is dropped as a duplicate.
    }
  }
}

function peerKey(peer: PeerAddress): string {
  return `${peer.identity}/${peer.deviceId}`;
}
