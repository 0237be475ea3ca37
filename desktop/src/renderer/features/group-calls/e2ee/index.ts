/**
 * Encrypted group-call media in the renderer: protect each RTCRtpSender and RTCRtpReceiver of a call with
 * the call's keyring (client.callKeys.open(...)). See frame-e2ee.dom.ts.
 */
export {
  FrameE2ee,
  e2eePeerConnectionConfig,
  frameE2ee,
  frameE2eeMode,
  protectReceiver,
  protectSender,
  type E2eeMode,
  type FrameE2eeOptions,
  type ProtectOptions,
} from './frame-e2ee.dom.js';
export type { DropCounts, TransformStats } from './messages.js';
export { frameEncryptionHooks, type FrameEncryptionHooks } from './call-hooks.dom.js';
