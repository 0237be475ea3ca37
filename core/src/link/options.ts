import type { IceServer } from '../protocol/auth.js';
import type { SignalData } from '../protocol/signalling.js';

/** The largest frame a link sends or accepts in one data channel message. Bigger payloads go through framing. */
export const MAX_FRAME_BYTES = 16 * 1024;

/**
 * The WebRTC implementation, exactly what simple-peer's `opts.wrtc` takes: the browser's globals, or
 * `@roamhq/wrtc` in Node. Injected so core/ never imports either.
 */
export interface WebRtcImplementation {
  readonly RTCPeerConnection: unknown;
  readonly RTCSessionDescription: unknown;
  readonly RTCIceCandidate: unknown;
}

/** The clock's timers, injected so tests drive timeouts by hand. */
export interface LinkTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const defaultTimers: LinkTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};

export interface DataLinkOptions {
  /** The side that creates the offer. Both sides must agree (the LinkManager's caller decides). */
  readonly initiator: boolean;
  /** Names this connection attempt in signalling; a re-established link gets a new one. */
  readonly linkId: string;
  /**
   * STUN/TURN servers. Required so that simple-peer's default public STUN servers are never used: a link
   * only talks to servers the user's relay configured (its TURN grant; [] for loopback tests).
   */
  readonly iceServers: readonly IceServer[];
  /**
   * RTCConfiguration.iceTransportPolicy. 'relay' gathers only TURN candidates: the peer (and the relay
   * carrying signals) never sees this device's host or server-reflexive addresses. Default 'all'.
   */
  readonly iceTransportPolicy?: 'all' | 'relay';
  /** The WebRTC implementation; the browser's globals when omitted. */
  readonly wrtc?: WebRtcImplementation;
  /** Delivers one of our signals to the peer (through the relay, as a `SignalSchema` message). */
  readonly sendSignal: (data: SignalData) => void;
  /** How long the link may take to open before it closes with reason 'timeout'. Default 20 s. */
  readonly connectTimeoutMs?: number;
  /** Re-reads the route this often once open (0 = only on ICE state changes). Default 0. */
  readonly routeCheckIntervalMs?: number;
  readonly timers?: LinkTimers;
  /**
   * Backpressure: a frame is handed to the data channel only while `bufferedAmount + frame` stays at or
   * below `highWaterMark`; otherwise sending waits for `bufferedamountlow` at `lowWaterMark`.
   * Defaults 256 KiB and 64 KiB; `lowWaterMark` must leave room for one frame below `highWaterMark`.
   */
  readonly highWaterMark?: number;
  readonly lowWaterMark?: number;
  /**
   * Where the data channel has no `bufferedamountlow` event (@roamhq/wrtc), a waiting send looks at
   * `bufferedAmount` this often instead. Default 1 ms.
   */
  readonly drainPollMs?: number;
}
