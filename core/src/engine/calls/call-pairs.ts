import { isCallSignal } from '../../calls/index.js';
import type { CallControl, CallTimeouts, CallTimers } from '../../calls/index.js';
import type { WebRtcImplementation } from '../../link/options.js';
import type { IceServer } from '../../protocol/auth.js';
import { CallPeer, type MediaPath, type MediaProtection } from './call-peer.js';
import type { LocalMedia } from './local-media.js';
import { PathWatchdog } from './path-watchdog.js';

/** A peer connection for one pair of a group call's mesh (`client.calls.openPair`). */
export interface PairOptions {
  /** The pair's id, the same on both sides (the linkId of its sealed signals): a call id, 32 hex digits. */
  readonly callId: string;
  /** The other side's account. */
  readonly peer: string;
  readonly role: 'offerer' | 'answerer';
  /** The local tracks; the pair sends them and never stops them (its owner does). */
  readonly local: LocalMedia;
  readonly protect?: MediaProtection;
  readonly rtcConfig?: Readonly<Record<string, unknown>>;
  readonly onTrack: (track: unknown, streams: readonly unknown[]) => void;
  readonly onPath: (path: MediaPath) => void;
  /** The path stayed down `iceGiveUpMs` despite ICE restarts: the pair is closed; its owner may re-open it. */
  readonly onLost?: () => void;
  /** The peer may still hold a connection of this pair: offer at once, marked `replace` (CallPeer). */
  readonly replaces?: boolean;
}

export interface CallPair {
  readonly callId: string;
  readonly peer: string;
  close(): void;
}

/** What every pair shares with the calls service: WebRTC, TURN, timers and the sealed signal path. */
export interface PairContext {
  readonly wrtc: WebRtcImplementation;
  readonly iceServers: readonly IceServer[];
  readonly iceTransportPolicy: 'all' | 'relay';
  readonly timers: CallTimers;
  /** `iceRestartAfterMs` and `iceGiveUpMs`: a pair recovers as a 1:1 call does. */
  readonly timeouts: Pick<CallTimeouts, 'iceRestartAfterMs' | 'iceGiveUpMs'>;
  readonly send: (message: CallControl) => void;
  readonly report: (error: unknown) => void;
}

/**
 * The calls service's peer connections that are not 1:1 calls: a group call's mesh pairs. Each is the 1:1
 * call's peer connection (CallPeer: sealed offer/answer/candidates through the relay, the DTLS certificate
 * checked against the sealed SDP, the relay's TURN servers) without the ringing — the group call's own
 * signalling (group-mesh/) has agreed that the two connect. A path that goes down is restarted as a 1:1
 * call's is, but sooner: at once, by the pair's offerer, then every `iceRestartAfterMs`; still down after
 * `iceGiveUpMs` (or never connected within it), the pair closes and says so through `onLost`. Down means
 * libwebrtc said so, or no media arrived for `iceRestartAfterMs` (PathWatchdog: libwebrtc takes 15-20 s to
 * call a silent path `disconnected`). A connection closed under the pair is lost at once. An
 * unauthenticated connection is reported through `onPath`; its owner closes it.
 */
export class CallPairs {
  readonly #pairs = new Map<
    string,
    { readonly peer: string; readonly connection: CallPeer; readonly close: () => void }
  >();

  open(options: PairOptions, context: PairContext): CallPair {
    this.#pairs.get(options.callId)?.close();
    const { timers, timeouts } = context;
    let restartTimer: unknown;
    let giveUpTimer: unknown;
    let closed = false;
    const settle = (): void => {
      if (restartTimer !== undefined) timers.clearTimeout(restartTimer);
      if (giveUpTimer !== undefined) timers.clearTimeout(giveUpTimer);
      restartTimer = giveUpTimer = undefined;
    };
    const restart = (): void => {
      connection.restartIce();
      restartTimer = timers.setTimeout(restart, timeouts.iceRestartAfterMs);
    };
    const lost = (): void => {
      if (closed) return;
      close();
      options.onLost?.();
    };
    const onPath = (path: MediaPath): void => {
      if (closed) return;
      if (path !== 'disconnected') settle();
      else {
        // The offerer restarts at once (a restart costs one offer), then again while the path stays down.
        if (restartTimer === undefined) restart();
        giveUpTimer ??= timers.setTimeout(lost, timeouts.iceGiveUpMs);
      }
      watchdog.path(path);
      options.onPath(path);
    };
    const connection = new CallPeer({
      callId: options.callId,
      media: 'video',
      role: options.role,
      wrtc: context.wrtc,
      iceServers: context.iceServers,
      iceTransportPolicy: context.iceTransportPolicy,
      send: context.send,
      local: options.local,
      timers: context.timers,
      onPath,
      onTrack: options.onTrack,
      onError: (error) => {
        if (connection.closedUnderUs) return lost();
        context.report(error);
        onPath('disconnected');
      },
      ...(options.replaces === true ? { replaces: true } : {}),
      ...(options.protect === undefined ? {} : { protect: options.protect }),
      ...(options.rtcConfig === undefined ? {} : { rtcConfig: options.rtcConfig }),
    });
    const watchdog = new PathWatchdog(connection, timers, timeouts.iceRestartAfterMs, {
      quiet: () => onPath('disconnected'),
      flowing: () => onPath('connected'),
      closedUnderUs: lost,
    });
    // A pair that never connects (the other side gone, its answer never coming) is lost as a down one is.
    giveUpTimer = timers.setTimeout(lost, timeouts.iceGiveUpMs);
    const close = (): void => {
      closed = true;
      settle();
      watchdog.stop();
      connection.close();
      if (this.#pairs.get(options.callId) === entry) this.#pairs.delete(options.callId);
    };
    const entry = { peer: options.peer, connection, close };
    this.#pairs.set(options.callId, entry);
    return { callId: options.callId, peer: options.peer, close };
  }

  /** Whether `account` is the other side of the pair `callId` (a group member, not necessarily a contact). */
  isPeer(callId: string, account: string): boolean {
    return this.#pairs.get(callId)?.peer === account;
  }

  /** Hands a pair's offer/answer/candidates to it; true when `message` named a pair (handled or ignored). */
  receive(account: string, message: CallControl): boolean {
    const pair = this.#pairs.get(message.callId);
    if (pair === undefined) return false;
    if (pair.peer === account && !isCallSignal(message) && message.type !== 'mute-state')
      pair.connection.receive(message);
    return true;
  }

  closeAll(): void {
    for (const pair of [...this.#pairs.values()]) pair.close();
  }
}
