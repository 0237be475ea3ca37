import type { types } from 'mediasoup-client';
import { ParleyError } from '@parley/core';

/**
 * The codec each kind of track is produced with, named rather than left to the router's order: frame
 * encryption (e2ee/) understands VP8 and Opus only and drops frames of any other codec, so a camera sent as
 * VP9, H.264 or AV1 would reach nobody.
 */
const CALL_CODECS = { audio: 'audio/opus', video: 'video/VP8' } as const;

/** The device's capability for `kind`'s call codec; a clear error if the router or browser lacks it. */
export function callCodec(
  capabilities: types.RtpCapabilities,
  kind: 'audio' | 'video',
): types.RtpCodecCapability {
  const mimeType = CALL_CODECS[kind];
  const codec = capabilities.codecs?.find((c) => c.mimeType.toLowerCase() === mimeType.toLowerCase());
  if (codec === undefined)
    throw new ParleyError(
      'UNAVAILABLE',
      `${mimeType} is not available for this call, and encrypted calls need it`,
    );
  return codec;
}
