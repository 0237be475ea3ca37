import type { types } from 'mediasoup';

/**
 * What every room's router offers. Opus for voice; VP8 first for camera simulcast (three spatial layers,
 * three temporal layers each: L1T3), VP9 for SVC (L3T3) and H264 where hardware encoders want it.
 * The media are end-to-end encrypted frames (docs/sfu.md); the codec headers the SFU reads stay clear.
 */
export const MEDIA_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48_000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90_000, parameters: { 'x-google-start-bitrate': 1000 } },
  {
    kind: 'video',
    mimeType: 'video/VP9',
    clockRate: 90_000,
    parameters: { 'profile-id': 2, 'x-google-start-bitrate': 1000 },
  },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90_000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
      'x-google-start-bitrate': 1000,
    },
  },
];
