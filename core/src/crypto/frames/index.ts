/**
 * End-to-end encrypted call media (docs/crypto.md, "Group calls: encrypted media"): the frame format, frame
 * keys and the per-track encryptor and per-sender decryptor. Platform-neutral: WebCrypto only, so the same
 * code runs in Node (tests), a browser worker (the encoded transform) and Electron.
 */
export {
  FRAME_VERSION,
  TRAILER_LENGTH,
  clearBytes,
  decodeTrailer,
  type FrameCodec,
  type MediaKind,
  type Trailer,
} from './format.js';
export {
  FRAME_SECRET_LENGTH,
  MAX_RATCHET_STEPS,
  deriveFrameKey,
  ratchetFrameKey,
  type DerivedFrameKey,
  type FrameKey,
} from './frame-key.js';
export { FrameDecryptor, FrameEncryptor, RETIRE_AFTER_FRAMES, type OutgoingFrame } from './frame-cipher.js';
export { REPLAY_WINDOW } from './replay-window.js';
export { defaultSubtle, type FrameSubtle } from './subtle.js';
export type { FrameKeyChange, FrameKeySource } from './key-source.js';
