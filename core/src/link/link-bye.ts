import type { LinkTimers } from './options.js';

/**
 * The one text message on a data link (frames are binary): "I am closing: stop sending, then close". A side
 * that closes an open link sends it and tears its connection down only once the peer has closed as well, or
 * after BYE_WAIT_MS. Why: @roamhq/wrtc 0.10's RTCDataChannel.send can crash the process (native use after
 * free) when the channel is torn down from the peer's side, on libwebrtc's thread, in the middle of a send.
 * A peer told first has stopped sending by the time its transport goes. Browsers do not have that bug; for
 * them it only makes a close orderly.
 */
export const LINK_BYE = 'parley/bye';

/** How long a side that said LINK_BYE waits for the peer to close before tearing down anyway. */
export const BYE_WAIT_MS = 2_000;

/** The parts of RTCDataChannel that saying LINK_BYE needs. */
export interface ByeChannel {
  readonly readyState: 'connecting' | 'open' | 'closing' | 'closed';
  send(data: string): void;
}

/** The peer connection as the bye tears it down (simple-peer's `destroyed` and `destroy`). */
export interface ByeConnection {
  readonly destroyed: boolean;
  destroy(): void;
}

/** Says LINK_BYE on an open channel, after every frame already handed to it; false if it could not. */
function sayBye(channel: ByeChannel | undefined): boolean {
  if (channel === undefined || channel.readyState !== 'open') return false;
  try {
    channel.send(LINK_BYE);
    return true;
  } catch {
    return false;
  }
}

/**
 * A link's closing handshake: whether a closed link's connection goes at once or waits for the peer, and the
 * timer that bounds the wait. The link tells it when it closed, when the peer said LINK_BYE after it did, and
 * when the connection closed.
 */
export class LinkBye {
  readonly #connection: ByeConnection;
  readonly #timers: LinkTimers;
  /** Closed by us, waiting for the peer to close after our LINK_BYE. */
  #timer: unknown;

  constructor(connection: ByeConnection, timers: LinkTimers) {
    this.#connection = connection;
    this.#timers = timers;
  }

  /**
   * The link has closed with its connection still up. The peer is closing too (it said LINK_BYE, or its
   * channel closed), or the bye cannot be said on `channel` (never opened, or no longer open): tear down now.
   * Otherwise say it, and tear down when the peer answers by closing, or after BYE_WAIT_MS.
   */
  linkClosed(channel: ByeChannel | undefined, peerClosing: boolean): void {
    if (peerClosing || !sayBye(channel)) {
      this.tearDown();
      return;
    }
    const timer = this.#timers.setTimeout(() => this.tearDown(), BYE_WAIT_MS);
    (timer as { unref?: () => void } | undefined)?.unref?.(); // a silent peer does not hold a process open
    this.#timer = timer;
  }

  /** Tears the connection down now (harmless when it is gone already): the wait for the peer is over. */
  tearDown(): void {
    this.connectionClosed();
    if (!this.#connection.destroyed) this.#connection.destroy();
  }

  /** The connection has closed: nothing is left to wait for. */
  connectionClosed(): void {
    if (this.#timer === undefined) return;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
