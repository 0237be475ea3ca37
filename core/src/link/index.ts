export { DataLink } from './data-link.js';
export type { DataLinkEvents, LinkCloseEvent, LinkCloseReason, LinkState } from './data-link.js';
export { FramedLink, LinkChannel } from './framed-link.js';
export type { FramedLinkEvents, FramedLinkOptions } from './framed-link.js';
export {
  FRAME_HEADER_BYTES,
  FrameHeaderSchema,
  MAX_FRAME_PAYLOAD_BYTES,
  Reassembler,
  decodeFrame,
  encodeFrame,
  splitIntoFrames,
} from './framing.js';
export type { Frame, FrameHeader, ReassembledMessage, ReassemblerOptions } from './framing.js';
export { LinkManager, LinkSignalSchema, PeerAddressSchema } from './link-manager.js';
export type {
  LinkKind,
  LinkManagerEvents,
  LinkManagerOptions,
  LinkSignal,
  PeerAddress,
  SignalOutcome,
} from './link-manager.js';
export { MAX_FRAME_BYTES } from './options.js';
export type { DataLinkOptions, LinkTimers, WebRtcImplementation } from './options.js';
export { routeFromStats } from './route.js';
export type { LinkRoute, StatsReport } from './route.js';
export { TypedEmitter } from './typed-emitter.js';
export type { EventMap } from './typed-emitter.js';
