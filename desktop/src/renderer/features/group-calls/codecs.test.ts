import { describe, expect, it } from 'vitest';
import type { types } from 'mediasoup-client';
import { callCodec } from './codecs.js';

// A router that lists VP9 and H.264 before VP8, as a browser's capabilities may: the camera must still be VP8.
const capabilities: types.RtpCapabilities = {
  codecs: [
    { kind: 'audio', mimeType: 'audio/opus', clockRate: 48_000, channels: 2, preferredPayloadType: 100 },
    { kind: 'video', mimeType: 'video/VP9', clockRate: 90_000, preferredPayloadType: 101 },
    { kind: 'video', mimeType: 'video/H264', clockRate: 90_000, preferredPayloadType: 102 },
    { kind: 'video', mimeType: 'video/VP8', clockRate: 90_000, preferredPayloadType: 103 },
  ],
};

describe('the codec a group call produces with', () => {
  it('is VP8 for video even when other codecs come first, and Opus for audio', () => {
    expect(callCodec(capabilities, 'video').mimeType).toBe('video/VP8');
    expect(callCodec(capabilities, 'audio').mimeType).toBe('audio/opus');
  });

  it('is a clear error when VP8 is missing (frame encryption would drop every frame)', () => {
    const noVp8 = { codecs: (capabilities.codecs ?? []).filter((codec) => codec.mimeType !== 'video/VP8') };
    expect(() => callCodec(noVp8, 'video')).toThrow(/video\/VP8 is not available/);
  });
});
