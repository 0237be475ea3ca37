import { fingerprintAuthenticated } from '../../calls/index.js';
import type { CallControl, CallMedia, CallTimers } from '../../calls/index.js';
import type { WebRtcImplementation } from '../../link/options.js';
import type { IceServer } from '../../protocol/auth.js';

/**
 * The one peer connection of a call, on the raw WebRTC API (no simple-peer: a call renegotiates for ICE
 * restarts and carries media, not a data channel). Everything it says to the peer goes out as call control
 * messages through `send` (sealed by the calls service); what the peer says comes in through `receive`.
 * It reports its media path and, once DTLS is up, whether the certificate the connection negotiated is one
 * the peer announced in the sealed SDP.
 */

/** The part of the WebRTC API a call uses: the browser's and @roamhq/wrtc's RTCPeerConnection agree on it. */
interface RtcDescription {
  readonly type: string;
  readonly sdp?: string;
}
interface RtcCandidate {
  readonly candidate: string;
  readonly sdpMid?: string | null | undefined;
  readonly sdpMLineIndex?: number | null | undefined;
  readonly usernameFragment?: string | null | undefined;
}
interface RtcPeer {
  readonly iceConnectionState: string;
  readonly signalingState: string;
  readonly connectionState?: string;
  readonly remoteDescription: RtcDescription | null;
  createOffer(options?: { iceRestart?: boolean }): Promise<RtcDescription>;
  createAnswer(): Promise<RtcDescription>;
  setLocalDescription(description: RtcDescription | { type: 'rollback' }): Promise<void>;
  setRemoteDescription(description: RtcDescription): Promise<void>;
  addIceCandidate(candidate: RtcCandidate): Promise<void>;
  addTransceiver(kind: 'audio' | 'video', init: { direction: 'sendrecv' }): unknown;
  getSenders(): readonly { readonly track: { enabled: boolean; readonly kind: string } | null }[];
  getStats(): Promise<{ forEach(callback: (report: Record<string, unknown>) => void): void }>;
  close(): void;
  onicecandidate: ((event: { candidate: RtcCandidate | null }) => void) | null;
  oniceconnectionstatechange: (() => void) | null;
  onconnectionstatechange: (() => void) | null;
  ontrack: ((event: { track: unknown; streams: readonly unknown[] }) => void) | null;
}
type RtcPeerConstructor = new (configuration: {
  iceServers: IceServer[];
  iceTransportPolicy: 'all' | 'relay';
}) => RtcPeer;

const RECHECK_MS = 100;

export type MediaPath = 'connected' | 'disconnected' | 'unauthenticated';

export interface CallPeerOptions {
  readonly callId: string;
  readonly media: CallMedia;
  readonly role: 'offerer' | 'answerer';
  readonly wrtc: WebRtcImplementation;
  readonly iceServers: readonly IceServer[];
  readonly iceTransportPolicy: 'all' | 'relay';
  readonly send: (message: CallControl) => void;
  /** For re-reading stats until DTLS has a remote certificate (the connect timeout bounds it). */
  readonly timers: CallTimers;
  /** `unauthenticated`: the negotiated DTLS certificate is not one the sealed SDP announced. */
  readonly onPath: (path: MediaPath) => void;
  readonly onTrack: (track: unknown, streams: readonly unknown[]) => void;
  readonly onError: (error: unknown) => void;
}

export class CallPeer {
  readonly #options: CallPeerOptions;
  readonly #pc: RtcPeer;
  /** Candidates that arrived before the description they belong to. */
  #pending: RtcCandidate[] = [];
  /** The peer's latest description, as it arrived sealed: what the DTLS certificate is checked against. */
  #remoteSdp: string | undefined;
  #verified = false;
  #recheck: unknown;
  #closed = false;

  constructor(options: CallPeerOptions) {
    this.#options = options;
    const Peer = options.wrtc.RTCPeerConnection as RtcPeerConstructor;
    this.#pc = new Peer({
      iceServers: [...options.iceServers],
      iceTransportPolicy: options.iceTransportPolicy,
    });
    const { callId } = options;
    this.#pc.onicecandidate = ({ candidate }) => {
      if (candidate === null || candidate.candidate === '' || this.#closed) return;
      const { sdpMid, sdpMLineIndex, usernameFragment } = candidate;
      this.#options.send({
        type: 'candidates',
        callId,
        candidates: [
          {
            candidate: candidate.candidate,
            ...(sdpMid === undefined ? {} : { sdpMid }),
            ...(sdpMLineIndex === undefined ? {} : { sdpMLineIndex }),
            ...(usernameFragment === undefined ? {} : { usernameFragment }),
          },
        ],
      });
    };
    this.#pc.oniceconnectionstatechange = () => this.#stateChanged();
    this.#pc.onconnectionstatechange = () => this.#stateChanged();
    this.#pc.ontrack = ({ track, streams }) => this.#options.onTrack(track, streams);
    if (options.role === 'offerer') {
      this.#pc.addTransceiver('audio', { direction: 'sendrecv' });
      if (options.media === 'video') this.#pc.addTransceiver('video', { direction: 'sendrecv' });
      this.#guard(this.#offer(false));
    }
  }

  /**
   * An ICE restart: a new offer with fresh ICE credentials (only the offerer restarts; the answerer answers).
   * The controller asks again every few seconds while the path is down; an earlier restart offer still
   * unanswered then (lost while signalling was down too) is rolled back and replaced.
   */
  restartIce(): void {
    if (this.#options.role !== 'offerer' || this.#closed) return;
    this.#guard(
      (async () => {
        if (this.#pc.signalingState === 'have-local-offer') {
          await this.#pc.setLocalDescription({ type: 'rollback' });
        }
        await this.#offer(true);
      })(),
    );
  }

  /** The connection's current getStats report, by report id. */
  async stats(): Promise<Map<string, Record<string, unknown>>> {
    const stats = await this.#pc.getStats();
    const reports = new Map<string, Record<string, unknown>>();
    stats.forEach((report) => reports.set(String(report.id), report));
    return reports;
  }

  /** A control message of the peer connection's (offer, answer, candidates) for this call. */
  receive(message: CallControl): void {
    if (this.#closed) return;
    if (message.type === 'offer') this.#guard(this.#answer(message.sdp));
    else if (message.type === 'answer') {
      // An answer with no offer of ours pending answers a restart offer that was rolled back: stale.
      if (this.#pc.signalingState !== 'have-local-offer') return;
      this.#guard(this.#remote({ type: 'answer', sdp: message.sdp }));
    } else if (message.type === 'candidates') {
      if (this.#pc.remoteDescription === null) this.#pending.push(...message.candidates);
      else for (const candidate of message.candidates) this.#guard(this.#pc.addIceCandidate(candidate));
    }
  }

  setMuted(kind: 'audio' | 'video', muted: boolean): void {
    for (const sender of this.#pc.getSenders())
      if (sender.track?.kind === kind) sender.track.enabled = !muted;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#recheck !== undefined) this.#options.timers.clearTimeout(this.#recheck);
    this.#pc.close();
  }

  async #offer(iceRestart: boolean): Promise<void> {
    const offer = await this.#pc.createOffer(iceRestart ? { iceRestart } : {});
    await this.#pc.setLocalDescription(offer);
    if (this.#closed || offer.sdp === undefined) return;
    const { callId } = this.#options;
    this.#options.send({ type: 'offer', callId, sdp: offer.sdp, ...(iceRestart ? { iceRestart } : {}) });
  }

  async #answer(sdp: string): Promise<void> {
    await this.#remote({ type: 'offer', sdp });
    const answer = await this.#pc.createAnswer();
    await this.#pc.setLocalDescription(answer);
    if (this.#closed || answer.sdp === undefined) return;
    this.#options.send({ type: 'answer', callId: this.#options.callId, sdp: answer.sdp });
  }

  async #remote(description: { type: 'offer' | 'answer'; sdp: string }): Promise<void> {
    this.#remoteSdp = description.sdp;
    await this.#pc.setRemoteDescription(description);
    const pending = this.#pending;
    this.#pending = [];
    for (const candidate of pending) await this.#pc.addIceCandidate(candidate);
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
    else this.#guard(this.#verify());
  }

  /**
   * Compares the certificate DTLS negotiated with the fingerprints of the sealed SDP. Before DTLS is done
   * there is no remote certificate yet, and libwebrtc serves getStats from a cache of a few tens of ms even
   * after `connected`: then it looks again shortly (the controller's connect timeout ends a call never
   * verified).
   */
  async #verify(): Promise<void> {
    const reports = await this.stats();
    let certificate: Record<string, unknown> | undefined;
    for (const report of reports.values()) {
      if (report.type === 'transport' && typeof report.remoteCertificateId === 'string') {
        certificate = reports.get(report.remoteCertificateId);
      }
    }
    if (this.#closed || this.#verified) return;
    if (certificate === undefined) {
      if (this.#recheck === undefined) {
        this.#recheck = this.#options.timers.setTimeout(() => {
          this.#recheck = undefined;
          this.#stateChanged();
        }, RECHECK_MS);
      }
      return;
    }
    const { fingerprint, fingerprintAlgorithm } = certificate;
    const sdp = this.#remoteSdp;
    if (
      typeof fingerprint !== 'string' ||
      typeof fingerprintAlgorithm !== 'string' ||
      sdp === undefined ||
      !fingerprintAuthenticated(sdp, { fingerprint, fingerprintAlgorithm })
    ) {
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
