import type { CallControl, CallMedia, CallTimers } from '../../calls/index.js';
import type { WebRtcImplementation } from '../../link/options.js';
import type { IceServer } from '../../protocol/auth.js';
import type { LocalMedia } from './local-media.js';
import type { MediaProtection } from './media-protection.js';

/** What a call's peer connection reports of its media path (CallPeer). */
export type MediaPath = 'connected' | 'disconnected' | 'unauthenticated';

export interface CallPeerOptions {
  readonly callId: string;
  readonly media: CallMedia;
  readonly role: 'offerer' | 'answerer';
  readonly wrtc: WebRtcImplementation;
  readonly iceServers: readonly IceServer[];
  readonly iceTransportPolicy: 'all' | 'relay';
  readonly send: (message: CallControl) => void;
  /** This side's microphone, camera and screen (the service owns them; the peer only sends them). */
  readonly local: LocalMedia;
  /** For re-reading stats until DTLS has a remote certificate (the connect timeout bounds it). */
  readonly timers: CallTimers;
  /** `unauthenticated`: the negotiated DTLS certificate is not one the sealed SDP announced. */
  readonly onPath: (path: MediaPath) => void;
  readonly onTrack: (track: unknown, streams: readonly unknown[]) => void;
  readonly onError: (error: unknown) => void;
  /** Frame encryption for this connection's senders and receivers (group calls; 1:1 calls have none). */
  readonly protect?: MediaProtection;
  /** More RTCConfiguration (e.g. Chromium's `encodedInsertableStreams` for the protection). */
  readonly rtcConfig?: Readonly<Record<string, unknown>>;
  /**
   * This connection replaces one the peer may still hold (a mesh pair re-opened after it was given up):
   * whichever the role, it offers at once, marked `replace`, so the peer answers on a new connection too.
   */
  readonly replaces?: boolean;
}
