import { ParleyError } from '../../errors/index.js';

/*
 * The frame format (docs/crypto.md, "Group calls: encrypted media"), SFrame-like with the metadata at the end:
 *
 *   frame   = clear(n) ‖ AES-256-GCM(key, iv, aad; payload) (ciphertext ‖ tag(16)) ‖ trailer
 *   trailer = keyId(u32 BE) ‖ stream(u16 BE) ‖ counter(u32 BE) ‖ n(u8) ‖ version(u8) = 1
 *   iv      = salt(12) XOR (0(6) ‖ stream(2) ‖ counter(4))
 *   aad     = kind(1: 'a' | 'v') ‖ clear(n) ‖ trailer
 *
 * The first n bytes stay in the clear because the SFU and the receiver's depacketizer read them (the VP8
 * payload header with the keyframe bit, the Opus TOC byte); they are authenticated as AAD. The trailer sits
 * at the end so the frame still starts with the codec's own bytes.
 */

export const FRAME_VERSION = 1;
export const TRAILER_LENGTH = 12;
export const TAG_LENGTH = 16;
export const IV_LENGTH = 12;
export const MAX_COUNTER = 0xffff_ffff;
export const MAX_STREAM = 0xffff;

export type MediaKind = 'audio' | 'video';

/** Codecs whose frames may be encrypted; anything else is refused (see clearBytes). */
export type FrameCodec = 'opus' | 'vp8';

export interface Trailer {
  readonly keyId: number;
  readonly stream: number;
  readonly counter: number;
  /** Clear codec bytes at the start of the frame. */
  readonly clear: number;
}

/**
 * How many bytes at the start of a frame stay in the clear. VP8: the payload header the receiver and the
 * SFU parse for the keyframe bit and, on keyframes, the start code and size (10 bytes on keyframes, 3 on
 * delta frames, as the WebRTC insertable-streams samples). Opus: the TOC byte. H.264 is refused: its frames
 * are NAL units whose headers the packetizer must find, and ciphertext can contain start codes
 * (0x000001), so it needs SFrame's NAL-aware packetization, which is not built.
 */
export function clearBytes(codec: string, keyframe: boolean): number {
  switch (codec.toLowerCase().replace(/^(audio|video)\//u, '')) {
    case 'opus':
      return 1;
    case 'vp8':
      return keyframe ? 10 : 3;
    case 'h264':
      throw new ParleyError(
        'BAD_REQUEST',
        'H.264 frames cannot be end-to-end encrypted (NAL-aware encryption is not built): use VP8',
      );
    default:
      throw new ParleyError('BAD_REQUEST', `no encrypted-frame layout for codec ${codec}: use VP8 or Opus`);
  }
}

export function encodeTrailer(trailer: Trailer): Uint8Array {
  const out = new Uint8Array(TRAILER_LENGTH);
  const view = new DataView(out.buffer);
  view.setUint32(0, trailer.keyId >>> 0);
  view.setUint16(4, trailer.stream);
  view.setUint32(6, trailer.counter >>> 0);
  out[10] = trailer.clear;
  out[11] = FRAME_VERSION;
  return out;
}

/** The trailer of an encrypted frame, or DECRYPT_FAILED for anything that cannot be one. */
export function decodeTrailer(frame: Uint8Array): Trailer {
  if (frame.length < TRAILER_LENGTH + TAG_LENGTH)
    throw new ParleyError('DECRYPT_FAILED', 'frame too short to be encrypted');
  const at = frame.length - TRAILER_LENGTH;
  const view = new DataView(frame.buffer, frame.byteOffset + at, TRAILER_LENGTH);
  if (view.getUint8(11) !== FRAME_VERSION)
    throw new ParleyError('DECRYPT_FAILED', 'not an encrypted frame of a known version');
  const trailer = {
    keyId: view.getUint32(0),
    stream: view.getUint16(4),
    counter: view.getUint32(6),
    clear: view.getUint8(10),
  };
  if (trailer.clear + TRAILER_LENGTH + TAG_LENGTH > frame.length)
    throw new ParleyError('DECRYPT_FAILED', 'frame shorter than its clear header');
  return trailer;
}

export function frameIv(salt: Uint8Array, stream: number, counter: number): Uint8Array {
  const iv = new Uint8Array(IV_LENGTH);
  const view = new DataView(iv.buffer);
  view.setUint16(6, stream);
  view.setUint32(8, counter >>> 0);
  for (let index = 0; index < IV_LENGTH; index += 1) iv[index] = (iv[index] ?? 0) ^ (salt[index] ?? 0);
  return iv;
}

export function frameAad(kind: MediaKind, clear: Uint8Array, trailer: Uint8Array): Uint8Array {
  const aad = new Uint8Array(1 + clear.length + trailer.length);
  aad[0] = kind === 'audio' ? 0x61 : 0x76;
  aad.set(clear, 1);
  aad.set(trailer, 1 + clear.length);
  return aad;
}
