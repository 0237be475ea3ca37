import wrtc from '@roamhq/wrtc';
import type { BenchTrack } from './fake-camera.node.js';

/** The part of wrtc's RTCPeerConnection the baselines use: a bare pair, signalled in-process. */
export interface BarePeer {
  createOffer(): Promise<{ type: string; sdp?: string }>;
  createAnswer(): Promise<{ type: string; sdp?: string }>;
  setLocalDescription(description: { type: string; sdp?: string }): Promise<void>;
  setRemoteDescription(description: { type: string; sdp?: string }): Promise<void>;
  addIceCandidate(candidate: unknown): Promise<void>;
  addTrack(track: BenchTrack, stream: unknown): unknown;
  close(): void;
  onicecandidate: ((event: { candidate: unknown }) => void) | null;
  ontrack: ((event: { track: BenchTrack }) => void) | null;
}

export const BarePeerConnection = wrtc.RTCPeerConnection as unknown as new (config: {
  iceServers: [];
}) => BarePeer;
