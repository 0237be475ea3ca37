/**
 * Calls in the engine. Owns the call-log lines (call-lines.ts) written into one-to-one conversations; the
 * call state machine and control messages are core/src/calls (platform-neutral); `client.calls`
 * (calls-service.ts) runs the CallController over sealed signals of kind 'call' and each call's own peer
 * connection (call-peer.ts).
 */
export { CallsService } from './calls-service.js';
export type { CallMediaOptions, CallsServiceParts } from './calls-service.js';
export type { CallPair, PairOptions } from './call-pairs.js';
export type { MediaPath, MediaProtection } from './call-peer.js';
export type { CallMediaStream, CallTrack, LocalMediaState } from './local-media.js';
export { callLineMessageId, callLineOf, recordCallLine } from './call-lines.js';
export type { CallLineStore } from './call-lines.js';
export { readCallQuality } from './call-quality.js';
export type { CallQuality, CallRoute, QualitySample } from './call-quality.js';
