import { ParleyError } from '../../errors/index.js';
import { CallController, DEFAULT_CALL_TIMEOUTS, isCallSignal } from '../../calls/index.js';
import type {
  CallControl,
  CallControllerEvents,
  CallLogEntry,
  CallSnapshot,
  CallTimeouts,
} from '../../calls/index.js';
import type { PeerAddress } from '../../link/link-manager.js';
import type { WebRtcImplementation } from '../../link/options.js';
import type { IceServer } from '../../protocol/auth.js';
import { mayLink } from '../contacts/contact-requests.js';
import type { EngineContext } from '../context.js';
import type { ProtocolAddress } from '../../crypto/index.js';
import type { WireLinkSignal } from '../links/direct-links.js';
import { CallSignals } from './call-signals.js';
import { CallPeer, type MediaPath } from './call-peer.js';
import { CallPairs, type CallPair, type PairOptions } from './call-pairs.js';
import { LocalMedia, type CallMediaStream, type CallTrack } from './local-media.js';
import { recordCallLine } from './call-lines.js';
import { readCallQuality, type CallQuality, type QualitySample } from './call-quality.js';

/** How long closing the client waits for a current call's hang-up to reach the relay. */
const CLOSE_FLUSH_MS = 2_000;

export interface CallsServiceParts {
  readonly wrtc: WebRtcImplementation | undefined;
  /** Relays a sealed signal to one peer device (LinksService.sendSignal); resolves whether it was online. */
  readonly sendSignal: (to: PeerAddress, signal: WireLinkSignal) => Promise<boolean>;
  /** The home relay's ICE (TURN) servers; undefined before the first authentication. */
  readonly iceServers: () => readonly IceServer[] | undefined;
  /** Ring, connect and reconnect timeouts (tests shorten the 45 s ring). */
  readonly timeouts?: Partial<CallTimeouts>;
}

/** How a call is placed or answered: with video or not, and the local microphone/camera to send. */
export interface CallMediaOptions {
  readonly video?: boolean;
  /**
   * The platform's MediaStream from getUserMedia (or anything with `getTracks()`); owned by the call from
   * here on, stopped when it ends. Without it the call only receives.
   */
  readonly media?: CallMediaStream;
}

/**
 * `client.calls`: 1:1 calls. The CallController (core/src/calls) decides; this service carries its
 * signals as sealed signals of `kind: 'call'` (linkId = call id) through the peer's relay (call-signals.ts:
 * ringing every device of the peer, then the one that answered), runs each call's
 * own peer connection (call-peer.ts) with the relay's TURN servers, and writes the line each finished call
 * leaves in its conversation. Events on the client: `call-incoming`, `call-state`, `call-track`,
 * `call-mute`. Without `wrtc` calls can ring and be declined, but an answered one fails `media-unavailable`.
 */
export class CallsService {
  readonly #controller: CallController;
  readonly #signals: CallSignals;
  readonly #peers = new Map<string, CallPeer>();
  /** Peer connections outside the controller (group call mesh pairs). */
  readonly #pairs = new CallPairs();
  /** Each call's previous quality reading, for rates over the time since. */
  readonly #readings = new Map<string, { quality: CallQuality; sample: QualitySample }>();
  /** The current call's local tracks (at most one call is current; a glare's winner inherits them). */
  #local: LocalMedia | undefined;
  /** Call lines being written. */
  readonly #writing = new Set<Promise<void>>();
  #closing = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly parts: CallsServiceParts,
  ) {
    this.#signals = new CallSignals(ctx, parts.sendSignal);
    this.#controller = new CallController({
      now: () => ctx.now(),
      timers: ctx.timers,
      newCallId: () => ctx.newId(),
      send: (peer, signal) => this.#signals.send(peer, signal),
      ...(parts.timeouts === undefined ? {} : { timeouts: parts.timeouts }),
    });
    const controller = this.#controller;
    controller.on('incoming', (call) => ctx.emit('call-incoming', call));
    controller.on('state', (call) => {
      if (call.phase === 'ended') this.#stopLocal();
      // The peer learns at once whether this side's microphone and camera are on.
      if (call.phase === 'active' && !call.reconnecting) this.#sendMediaState(call.callId);
      ctx.emit('call-state', call);
    });
    controller.on('connect', (call) => this.#connect(call));
    controller.on('restart-ice', ({ callId }) => this.#peers.get(callId)?.restartIce());
    controller.on('close-media', ({ callId }) => {
      // Closing the client: the peer connection goes after the hang-up has left (close()).
      if (this.#closing) return;
      this.#peers.get(callId)?.close();
      this.#peers.delete(callId);
      this.#readings.delete(callId);
    });
    controller.on('log', (entry) => {
      const written = this.#log(entry).catch(ctx.report);
      this.#writing.add(written);
      void written.finally(() => this.#writing.delete(written));
    });
  }

  /** The current call, if any. */
  get current(): CallSnapshot | undefined {
    return this.#controller.current;
  }

  /**
   * Calls a contact; the call rings there until accepted, declined or 45 s pass. `media`: the local
   * microphone (and camera, for video) to send; its tracks are stopped when the call ends.
   */
  place(account: string, { video = false, media }: CallMediaOptions = {}): CallSnapshot {
    const local = new LocalMedia(media, { video });
    try {
      this.ctx.assertOpen();
      const call = this.#controller.place(account, video ? 'video' : 'audio');
      this.#local = local;
      return call;
    } catch (error) {
      local.stop();
      throw error;
    }
  }

  /** Answers the ringing incoming call; `video: false` sends no camera even in a video call. */
  accept(callId: string, { video = true, media }: CallMediaOptions = {}): void {
    const local = new LocalMedia(media, { video });
    const previous = this.#local;
    try {
      this.ctx.assertOpen();
      this.#local = local;
      // The peer connection starts inside accept and takes the local tracks from #local.
      this.#controller.accept(callId);
    } catch (error) {
      local.stop();
      this.#local = previous;
      throw error;
    }
  }

  decline(callId: string, message?: string): void {
    this.#controller.decline(callId, message);
  }

  hangup(callId: string): void {
    this.#controller.hangup(callId);
  }

  /** Turns the local microphone or camera on or off, and tells the peer at once. */
  setMuted(callId: string, muted: { audio: boolean; video: boolean }): void {
    this.#requireCurrent(callId);
    this.#localMedia().setMuted(muted);
    this.#sendMediaState(callId);
  }

  /**
   * A new microphone or camera for the current call (`track.kind` says which): a switched device, or the
   * camera turned on in a call that had none (the call is then renegotiated). The old track is stopped.
   */
  replaceTrack(callId: string, track: CallTrack): void {
    try {
      this.#requireCurrent(callId);
    } catch (error) {
      track.stop();
      throw error;
    }
    const local = this.#localMedia();
    local.replace(track);
    this.#peers.get(callId)?.updateTrack(track.kind === 'audio' ? 'audio' : 'video');
    this.#sendMediaState(callId);
  }

  /**
   * Shares a screen (getDisplayMedia's video track) in place of the camera, or stops sharing (`undefined`:
   * the camera comes back). A voice call gets a video transceiver and is renegotiated.
   */
  shareScreen(callId: string, track: CallTrack | undefined): void {
    try {
      this.#requireCurrent(callId);
    } catch (error) {
      track?.stop();
      throw error;
    }
    this.#localMedia().share(track);
    this.#peers.get(callId)?.updateTrack('video');
    this.#sendMediaState(callId);
  }

  /** What the peer is told about this side's microphone, camera and screen. */
  get localState(): { audio: boolean; video: boolean; screen: boolean } | undefined {
    return this.#local?.state;
  }

  /**
   * The call's network quality now (route, round-trip time, loss, bitrates since the previous reading), from
   * its peer connection's getStats: what the UI's quality indicator polls, every second or two.
   */
  async quality(callId: string): Promise<CallQuality> {
    const peer = this.#peers.get(callId);
    if (peer === undefined) throw new ParleyError('NOT_FOUND', `no call with media ${callId}`);
    const previous = this.#readings.get(callId);
    const reading = readCallQuality(await peer.stats(), previous?.sample);
    // libwebrtc serves a report from a cache for a few tens of ms: a reading that soon repeats the last one.
    if (previous !== undefined && reading.sample.at <= previous.sample.at) return previous.quality;
    if (this.#peers.has(callId)) this.#readings.set(callId, reading);
    return reading.quality;
  }

  /**
   * "Relay-only calls" was turned on: a call in progress moves to the TURN server (an ICE restart gathering
   * relay candidates only), so the contact stops seeing this device's address. Calls started later are
   * relay-only from the start.
   */
  relayOnlyTurnedOn(): void {
    for (const peer of this.#peers.values()) peer.useRelayOnly();
  }

  /**
   * A peer connection with `options.peer` that is not a 1:1 call: a group call's mesh pair (call-pairs.ts).
   * UNAVAILABLE without WebRTC.
   */
  openPair(options: PairOptions): CallPair {
    this.ctx.assertOpen();
    const { wrtc } = this.parts;
    const iceServers = this.parts.iceServers();
    if (wrtc === undefined || iceServers === undefined)
      throw new ParleyError('UNAVAILABLE', 'this device cannot open call media yet');
    return this.#pairs.open(options, {
      wrtc,
      iceServers,
      iceTransportPolicy: this.ctx.relayOnlyLinks ? 'relay' : 'all',
      timers: this.ctx.timers,
      timeouts: { ...DEFAULT_CALL_TIMEOUTS, ...this.parts.timeouts },
      send: (message) => this.#signals.send(options.peer, message),
      report: this.ctx.report,
    });
  }

  /** A sealed call signal relayed from `from` (LinksService routes them here). */
  handleSignal(from: PeerAddress, signal: WireLinkSignal): void {
    this.#signals.receive(from, signal, {
      // A mesh pair's peer was admitted by the group call (a member of the group), not as a contact.
      allowed: async (account) =>
        this.#pairs.isPeer(signal.linkId, account) || (await mayLink(this.ctx.db, account)),
      opened: (device, message) => this.#receive(device, message),
      tampered: (account, error) => {
        // Fail closed: a call whose signalling was altered on the way does not go on.
        const current = this.#controller.current;
        if (current?.callId === signal.linkId && current.peer === account) {
          this.#controller.mediaFailed(current.callId, 'fingerprint-not-authenticated');
        }
        this.ctx.report(error);
      },
    });
  }

  /**
   * Hangs up the current call because the client is closing: the hang-up is sealed and handed to the relay,
   * and the call's line written, before the call's peer connection (and then the client's relay connections
   * and database) go, so the peer sees a hang-up rather than a lost path. A relay that does not take it
   * within CLOSE_FLUSH_MS does not hold the closing longer. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#controller.close();
    let timer: unknown;
    const flushed = Promise.all([...this.#signals.sending, ...this.#writing]);
    const capped = new Promise<void>((resolve) => {
      timer = this.ctx.timers.setTimeout(resolve, CLOSE_FLUSH_MS);
    });
    await Promise.race([flushed, capped]);
    this.ctx.timers.clearTimeout(timer);
    this.#stopLocal();
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
    this.#pairs.closeAll();
  }

  #receive(device: ProtocolAddress, message: CallControl): void {
    const account = device.name;
    if (this.#pairs.receive(account, message)) return;
    if (
      message.type === 'ring' &&
      this.#signals.ringsBeside(this.#controller.current, device, message.callId)
    )
      return;
    if (!this.#signals.admit(device, message)) return;
    if (isCallSignal(message)) {
      this.#controller.receive(account, message);
      return;
    }
    const current = this.#controller.current;
    if (current?.callId !== message.callId || current.peer !== account) return;
    if (message.type === 'mute-state') {
      const { callId, audio, video, screen = false } = message;
      this.ctx.emit('call-mute', { callId, audio, video, screen });
      return;
    }
    this.#peers.get(message.callId)?.receive(message);
  }

  #connect({ callId, peer, media, role }: CallControllerEvents['connect']): void {
    const { wrtc } = this.parts;
    const iceServers = this.parts.iceServers();
    if (wrtc === undefined || iceServers === undefined) {
      this.#controller.mediaFailed(callId, 'media-unavailable');
      return;
    }
    const onPath = (path: MediaPath): void => {
      if (path === 'connected') this.#controller.mediaConnected(callId);
      else if (path === 'disconnected') this.#controller.mediaDisconnected(callId);
      else this.#controller.mediaFailed(callId, 'fingerprint-not-authenticated');
    };
    this.#peers.set(
      callId,
      new CallPeer({
        callId,
        media,
        role,
        wrtc,
        iceServers,
        iceTransportPolicy: this.ctx.relayOnlyLinks ? 'relay' : 'all',
        send: (message) => this.#signals.send(peer, message),
        local: this.#localMedia(),
        timers: this.ctx.timers,
        onPath,
        onTrack: (track, streams) => this.ctx.emit('call-track', { callId, track, streams }),
        onError: (error) => {
          this.ctx.report(error);
          this.#controller.mediaFailed(callId, 'media-unavailable');
        },
      }),
    );
  }

  #requireCurrent(callId: string): CallSnapshot {
    const call = this.#controller.current;
    if (call?.callId !== callId) throw new ParleyError('NOT_FOUND', `no current call ${callId}`);
    return call;
  }

  /** The current call's local media; a call placed or answered without any gets an empty one. */
  #localMedia(): LocalMedia {
    this.#local ??= new LocalMedia(undefined, { video: false });
    return this.#local;
  }

  #sendMediaState(callId: string): void {
    const call = this.#controller.current;
    if (call?.callId !== callId || call.phase !== 'active') return;
    this.#signals.send(call.peer, { type: 'mute-state', callId, ...this.#localMedia().state });
  }

  #stopLocal(): void {
    this.#local?.stop();
    this.#local = undefined;
  }

  async #log(entry: CallLogEntry): Promise<void> {
    const message = await recordCallLine(this.ctx.db.messages, this.ctx.self.name, entry, this.ctx.now());
    // A line this device wrote itself: it came through no link, and the call's signals went by the relay.
    if (message !== undefined) this.ctx.emit('message', { message, via: 'relay' });
  }
}
