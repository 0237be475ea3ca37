import type { types } from 'mediasoup-client';
import type { MediaSource } from '@parley/core';

/** Who a received track belongs to, as the SFU announced it (the frame keys prove who really sent it). */
export interface ReceiverInfo {
  readonly peerId: string;
  readonly identity: string;
  readonly source: MediaSource;
  readonly kind: 'audio' | 'video';
}

export interface SenderInfo {
  readonly source: MediaSource;
  readonly kind: 'audio' | 'video';
}

/**
 * Where end-to-end frame encryption plugs into a group call: every RTCRtpSender the call creates passes
 * through `sender` and every RTCRtpReceiver through `receiver`, synchronously, before the first frame
 * (mediasoup-client's onRtpSender/onRtpReceiver), so a WebRTC encoded transform (RTCRtpScriptTransform, or
 * createEncodedStreams with `peerConnection: { encodedInsertableStreams: true }`) can be attached to each.
 * `left` tells the key schedule that a participant is gone (time to rotate). No hooks: media are protected by
 * DTLS-SRTP hop by hop only, and the SFU could read them.
 */
export interface GroupCallMediaHooks {
  /** Extra RTCConfiguration for both transports' peer connections. */
  readonly peerConnection?: Partial<RTCConfiguration>;
  sender?(sender: RTCRtpSender, info: SenderInfo): void;
  receiver?(receiver: RTCRtpReceiver, info: ReceiverInfo): void;
  joined?(peer: { peerId: string; identity: string }): void;
  left?(peer: { peerId: string; identity: string }): void;
  /** The call is over (left or failed): whatever the hooks hold (workers, keyrings) is released. */
  close?(): void;
}

/** Camera video as three simulcast layers, lowest first (docs/sfu.md, "Simulcast and layers"). */
export const CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 1, maxBitrate: 1_500_000, scalabilityMode: 'L1T3' },
];

/**
 * Where the camera's bandwidth estimate starts (kbit/s; `x-google-start-bitrate` on the send transport):
 * Chromium's own start, 300, is below what the two lower layers need (150 + 500 kbit/s at most), so every call
 * would open on the 160×90 layer alone until the estimate climbed. The estimate still goes down at once
 * when the network says so.
 */
export const CAMERA_CODEC_OPTIONS: types.ProducerCodecOptions = { videoGoogleStartBitrate: 1_000 };
