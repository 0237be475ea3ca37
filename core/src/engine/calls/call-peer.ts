import type { CallControl } from '../../calls/index.js';
import type { CallPeerOptions } from './call-peer-options.js';
import { CandidateBatch } from './candidate-batch.js';
import { protectTransceivers } from './media-protection.js';
import { certificateVerdict } from './peer-stats.js';
import type {
  RtcCandidate,
  RtcDescription,
  RtcPeer,
  RtcPeerConstructor,
  RtcTransceiver,
} from './rtc-types.js';

export type { MediaProtection } from './media-protection.js';
export type { CallPeerOptions, MediaPath } from './call-peer-options.js';

const RECHECK_MS = 100;

/**
 * The one peer connection of a call, on the raw WebRTC API (no simple-peer: a call renegotiates for ICE
 * restarts and carries media, not a data channel). Everything it says to the peer goes out as call control
 * messages through `send` (sealed by the calls service); what the peer says comes in through `receive`.
 * It reports its media path and, once DTLS is up, whether the certificate the connection negotiated is one
 * the peer announced in the sealed SDP.
 */
export class CallPeer {
  readonly #options: CallPeerOptions;
  #pc: RtcPeer;
  /** 'relay' once relay-only is on: every connection of this call from then on gathers TURN candidates only. */
  #policy: 'all' | 'relay';
  /** Candidates that arrived before the description they belong to. */
  #pending: RtcCandidate[] = [];
  /** The peer's latest description, as it arrived sealed: what the DTLS certificate is checked against. */
  #remoteSdp: string | undefined;
  #verified = false;
  #recheck: unknown;
  readonly #candidates: CandidateBatch;
  /** An offer of ours is being made: a crossing offer from the peer is a collision. */
  #makingOffer = false;
  /** Our outstanding offer moves to a new connection (`replace`): it wins over a crossing replacement. */
  #offeringReplace = false;
  /** A local media change waits for the current offer/answer exchange to finish. */
  #negotiationPending = false;
  /** The call moved to a new peer connection at least once (useRelayOnly). */
  #replaced = false;
  #closed = false;
  /** Senders and receivers already handed to `protect`. */
  readonly #protected = new WeakSet<object>();

  constructor(options: CallPeerOptions) {
    this.#options = options;
    this.#policy = options.iceTransportPolicy;
    this.#candidates = new CandidateBatch(options.timers, (candidates) => {
      if (!this.#closed) options.send({ type: 'candidates', callId: options.callId, candidates });
    });
    this.#pc = this.#open();
    if (options.role === 'offerer' || options.replaces === true) {
      this.#addTransceivers(options.media === 'video');
      this.#guard(this.#offer(false, options.replaces === true));
    }
  }

  /** A peer connection under the current transport policy; events of one since replaced are ignored. */
  #open(): RtcPeer {
    const Peer = this.#options.wrtc.RTCPeerConnection as RtcPeerConstructor;
    const pc = new Peer({
      ...this.#options.rtcConfig,
      iceServers: [...this.#options.iceServers],
      iceTransportPolicy: this.#policy,
    });
    pc.onicecandidate = ({ candidate }) => {
      if (this.#closed || pc !== this.#pc) return;
      // The end of gathering sends what is left at once.
      if (candidate === null || candidate.candidate === '') {
        this.#candidates.flush();
        return;
      }
      const { sdpMid, sdpMLineIndex, usernameFragment } = candidate;
      this.#candidates.add({
        candidate: candidate.candidate,
        ...(sdpMid === undefined ? {} : { sdpMid }),
        ...(sdpMLineIndex === undefined ? {} : { sdpMLineIndex }),
        ...(usernameFragment === undefined ? {} : { usernameFragment }),
      });
    };
    pc.oniceconnectionstatechange = () => {
      if (pc === this.#pc) this.#stateChanged();
    };
    pc.onconnectionstatechange = () => {
      if (pc === this.#pc) this.#stateChanged();
    };
    pc.ontrack = ({ track, streams }) => {
      if (pc === this.#pc) this.#options.onTrack(track, streams);
    };
    return pc;
  }

  /** The offering side's transceivers: audio, and video when the call has it or the camera/screen is on. */
  #addTransceivers(video: boolean): void {
    const { local } = this.#options;
    const streams = local.stream === undefined ? {} : { streams: [local.stream] };
    this.#pc.addTransceiver(local.sending('audio') ?? 'audio', { direction: 'sendrecv', ...streams });
    const camera = local.sending('video');
    if (video || camera !== undefined)
      this.#pc.addTransceiver(camera ?? 'video', { direction: 'sendrecv', ...streams });
    this.#protectAll();
  }

  /**
   * Closes the current peer connection and opens another under the current policy, with fresh per-connection
   * state (its DTLS certificate is verified again against the next sealed SDP).
   */
  #replacePc(): boolean {
    const old = this.#pc;
    const hadVideo = old.getTransceivers().some((t) => t.receiver.track.kind === 'video');
    this.#pc = this.#open();
    old.close();
    if (this.#recheck !== undefined) this.#options.timers.clearTimeout(this.#recheck);
    this.#recheck = undefined;
    this.#candidates.clear();
    this.#pending = [];
    this.#remoteSdp = undefined;
    this.#verified = false;
    this.#makingOffer = false;
    this.#offeringReplace = false;
    this.#negotiationPending = false;
    this.#replaced = true;
    return hadVideo;
  }

  /**
   * Sends what the local media now holds for `kind` (a switched device, the camera turned on, a screen
   * shared or no longer shared): `replaceTrack` on the kind's transceiver, without renegotiating; a kind the
   * call does not send yet (video in a voice call) gets a transceiver and the call is renegotiated.
   */
  updateTrack(kind: 'audio' | 'video'): void {
    this.#guard(this.#updateTrack(kind));
  }

  /**
   * An ICE restart: a new offer with fresh ICE credentials (only the offerer restarts; the answerer answers).
   * The controller asks again every few seconds while the path is down; a new offer replaces one still
   * unanswered (lost while signalling was down too), and an answer to a replaced offer that comes late sets
   * up a path that fails, so the next try restarts again.
   */
  restartIce(): void {
    if (this.#options.role === 'offerer' && !this.#closed) this.#guard(this.#offer(true));
  }

  /**
   * Moves the call to TURN: relay candidates only from now on. Chromium keeps using an ICE restart's old
   * local ports (a host or server-reflexive path stays selected after setConfiguration + restartIce), so the
   * call moves to a new peer connection under the relay policy instead: an offer marked `replace`, which the
   * peer answers on a new connection of its own. Either side may do it; crossing ones settle as in #answer.
   * Media pauses for the new connection's set-up (about a round of ICE and DTLS).
   */
  useRelayOnly(): void {
    if (this.#closed || this.#policy === 'relay') return;
    this.#policy = 'relay';
    const hadVideo = this.#replacePc();
    this.#addTransceivers(hadVideo || this.#options.media === 'video');
    this.#guard(this.#offer(false, true));
  }

  /** The connection's current getStats report, by report id. */
  async stats(): Promise<Map<string, Record<string, unknown>>> {
    const stats = await this.#pc.getStats();
    const reports = new Map<string, Record<string, unknown>>();
    stats.forEach((report) => reports.set(String(report.id), report));
    return reports;
  }

  /**
   * The connection was closed under us (not by `close`): nothing can bring it back but a new one. Tests close
   * a pair's RTCPeerConnection this way; a browser may too when it tears a page's media down.
   */
  get closedUnderUs(): boolean {
    return !this.#closed && this.#pc.signalingState === 'closed';
  }

  /** A control message of the peer connection's (offer, answer, candidates) for this call. */
  receive(message: CallControl): void {
    if (this.#closed) return;
    if (message.type === 'offer') {
      if (message.replace === true) {
        // A replacement crossing ours: the caller keeps its own, the callee takes the caller's (as in #answer).
        // A connection already closed under us crosses nothing, and an ICE restart of ours yields to it: the
        // peer's connection it would restart is gone, so only the replacement can bring the path back.
        const state = this.#pc.signalingState;
        const crossing = this.#makingOffer || (state !== 'stable' && state !== 'closed');
        if (crossing && this.#offeringReplace && this.#options.role === 'offerer') return;
        this.#replacePc();
      }
      this.#guard(this.#answer(message.sdp));
    } else if (message.type === 'answer') {
      this.#guard(this.#answered(message.sdp));
    } else if (message.type === 'candidates') {
      if (this.#pc.remoteDescription === null) this.#pending.push(...message.candidates);
      else for (const candidate of message.candidates) this.#guard(this.#addCandidate(candidate));
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#recheck !== undefined) this.#options.timers.clearTimeout(this.#recheck);
    this.#candidates.clear();
    this.#pc.close();
  }

  async #offer(iceRestart: boolean, replace = false): Promise<void> {
    // A replacement taken meanwhile (receive) moves the call to another connection: this offer is void.
    const pc = this.#pc;
    this.#makingOffer = true;
    this.#offeringReplace = replace;
    let offer: RtcDescription;
    try {
      offer = await pc.createOffer(iceRestart ? { iceRestart } : {});
      if (pc !== this.#pc) return;
      await pc.setLocalDescription(offer);
    } finally {
      if (pc === this.#pc) this.#makingOffer = false;
    }
    if (this.#closed || pc !== this.#pc || offer.sdp === undefined) return;
    const { callId } = this.#options;
    this.#options.send({
      type: 'offer',
      callId,
      sdp: offer.sdp,
      ...(iceRestart ? { iceRestart } : {}),
      ...(replace ? { replace } : {}),
    });
  }

  /**
   * Either side may renegotiate (the callee turns its camera on in a voice call, either shares a screen), so
   * two offers can cross: "perfect negotiation" — the callee is polite and rolls its own offer back, then
   * offers its change again; the caller ignores the callee's crossing offer.
   */
  async #answer(sdp: string): Promise<void> {
    const collision = this.#makingOffer || this.#pc.signalingState !== 'stable';
    if (collision) {
      if (this.#options.role === 'offerer') return;
      await this.#pc.setLocalDescription({ type: 'rollback' });
      this.#negotiationPending = true;
    }
    await this.#remote({ type: 'offer', sdp });
    await this.#attachLocal();
    const answer = await this.#pc.createAnswer();
    await this.#pc.setLocalDescription(answer);
    if (this.#closed || answer.sdp === undefined) return;
    this.#options.send({ type: 'answer', callId: this.#options.callId, sdp: answer.sdp });
    await this.#negotiateIfPending();
  }

  /** The callee's tracks go on the transceivers the caller's offer made (recvonly until then). */
  async #attachLocal(): Promise<void> {
    for (const kind of ['audio', 'video'] as const) {
      const track = this.#options.local.sending(kind);
      const transceiver = this.#transceiver(kind);
      if (track === undefined || transceiver === undefined || transceiver.sender.track === track) continue;
      await transceiver.sender.replaceTrack(track);
      transceiver.direction = 'sendrecv';
    }
  }

  async #updateTrack(kind: 'audio' | 'video'): Promise<void> {
    const track = this.#options.local.sending(kind);
    // Before the first offer is answered the answer itself carries the callee's tracks (#attachLocal).
    if (this.#pc.remoteDescription === null && this.#options.role === 'answerer') return;
    const transceiver = this.#transceiver(kind);
    if (transceiver !== undefined) {
      await transceiver.sender.replaceTrack(track ?? null);
      if (track === undefined || transceiver.direction === 'sendrecv') return;
      transceiver.direction = 'sendrecv';
    } else {
      if (track === undefined) return;
      const { stream } = this.#options.local;
      this.#pc.addTransceiver(track, {
        direction: 'sendrecv',
        ...(stream === undefined ? {} : { streams: [stream] }),
      });
      this.#protectAll();
    }
    this.#negotiationPending = true;
    await this.#negotiateIfPending();
  }

  /** Offers a pending change once no other offer is in flight. */
  async #negotiateIfPending(): Promise<void> {
    if (!this.#negotiationPending || this.#closed) return;
    if (this.#makingOffer || this.#pc.signalingState !== 'stable') return;
    this.#negotiationPending = false;
    await this.#offer(false);
  }

  #transceiver(kind: 'audio' | 'video'): RtcTransceiver | undefined {
    return this.#pc
      .getTransceivers()
      .find((transceiver) => transceiver.receiver.track.kind === kind && transceiver.direction !== 'stopped');
  }

  async #answered(sdp: string): Promise<void> {
    // An answer to an offer this side no longer has (rolled back in a crossing) changes nothing.
    if (this.#pc.signalingState !== 'have-local-offer') return;
    this.#offeringReplace = false;
    await this.#remote({ type: 'answer', sdp });
    await this.#negotiateIfPending();
  }

  async #remote(description: { type: 'offer' | 'answer'; sdp: string }): Promise<void> {
    this.#remoteSdp = description.sdp;
    await this.#pc.setRemoteDescription(description);
    this.#protectAll();
    const pending = this.#pending;
    this.#pending = [];
    for (const candidate of pending) await this.#addCandidate(candidate);
  }

  /** After a replacement, candidates of the peer's old connection may still arrive: those are dropped. */
  async #addCandidate(candidate: RtcCandidate): Promise<void> {
    try {
      await this.#pc.addIceCandidate(candidate);
    } catch (error) {
      if (!this.#replaced) throw error;
    }
  }

  /** Hands every sender and receiver not yet protected to `protect` (no-op without it). */
  #protectAll(): void {
    const { protect } = this.#options;
    if (protect !== undefined) protectTransceivers(protect, this.#pc.getTransceivers(), this.#protected);
  }

  #stateChanged(): void {
    if (this.#closed) return;
    const ice = this.#pc.iceConnectionState;
    if (ice === 'disconnected' || ice === 'failed') {
      this.#options.onPath('disconnected');
      return;
    }
    if (ice !== 'connected' && ice !== 'completed') return;
    if (this.#verified) this.#options.onPath('connected');
    // Chromium keeps the certificate stats of its first getStats until the next negotiation: asked while
    // DTLS is still shaking hands, it would report no remote certificate for the whole call. So the check
    // waits for `connected`, which includes DTLS (an implementation without connectionState checks at once).
    else if (this.#pc.connectionState === undefined || this.#pc.connectionState === 'connected')
      this.#guard(this.#verify());
  }

  /**
   * Compares the certificate DTLS negotiated with the fingerprints of the sealed SDP. Before DTLS is done
   * there is no remote certificate yet, and libwebrtc serves getStats from a cache of a few tens of ms even
   * after `connected`: then it looks again shortly (the controller's connect timeout ends a call never
   * verified).
   */
  async #verify(): Promise<void> {
    const verdict = certificateVerdict(await this.stats(), this.#remoteSdp);
    if (this.#closed || this.#verified) return;
    if (verdict === 'pending') {
      if (this.#recheck === undefined) {
        this.#recheck = this.#options.timers.setTimeout(() => {
          this.#recheck = undefined;
          this.#stateChanged();
        }, RECHECK_MS);
      }
      return;
    }
    if (verdict === 'unauthenticated') {
      this.#options.onPath('unauthenticated');
      return;
    }
    this.#verified = true;
    this.#options.onPath('connected');
  }

  #guard(work: Promise<void>): void {
    work.catch((error: unknown) => {
      if (!this.#closed) this.#options.onError(error);
    });
  }
}
