import type { IceServer } from '../../protocol/auth.js';
import type { CallTrack } from './local-media.js';

/** The part of the WebRTC API a call uses: the browser's and @roamhq/wrtc's RTCPeerConnection agree on it. */
export interface RtcDescription {
  readonly type: string;
  readonly sdp?: string;
}
export interface RtcCandidate {
  readonly candidate: string;
  readonly sdpMid?: string | null | undefined;
  readonly sdpMLineIndex?: number | null | undefined;
  readonly usernameFragment?: string | null | undefined;
}
export interface RtcTransceiver {
  direction: string;
  readonly mid: string | null;
  readonly sender: { readonly track: unknown; replaceTrack(track: unknown): Promise<void> };
  readonly receiver: { readonly track: { readonly kind: string } };
}
export interface RtcPeer {
  readonly iceConnectionState: string;
  readonly signalingState: string;
  readonly connectionState?: string;
  readonly remoteDescription: RtcDescription | null;
  createOffer(options?: { iceRestart?: boolean }): Promise<RtcDescription>;
  createAnswer(): Promise<RtcDescription>;
  setLocalDescription(description: RtcDescription | { type: 'rollback' }): Promise<void>;
  setRemoteDescription(description: RtcDescription): Promise<void>;
  addIceCandidate(candidate: RtcCandidate): Promise<void>;
  addTransceiver(
    trackOrKind: CallTrack | 'audio' | 'video',
    init: { direction: 'sendrecv'; streams?: unknown[] },
  ): RtcTransceiver;
  getTransceivers(): readonly RtcTransceiver[];
  getStats(): Promise<{ forEach(callback: (report: Record<string, unknown>) => void): void }>;
  close(): void;
  onicecandidate: ((event: { candidate: RtcCandidate | null }) => void) | null;
  oniceconnectionstatechange: (() => void) | null;
  onconnectionstatechange: (() => void) | null;
  ontrack: ((event: { track: unknown; streams: readonly unknown[] }) => void) | null;
}
export interface RtcConfiguration {
  iceServers?: IceServer[];
  iceTransportPolicy?: 'all' | 'relay';
}
export type RtcPeerConstructor = new (
  configuration: RtcConfiguration & Readonly<Record<string, unknown>>,
) => RtcPeer;
