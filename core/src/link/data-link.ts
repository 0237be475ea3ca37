import SimplePeer from 'simple-peer';
import { ParleyError, isParleyError, type ErrorCode } from '../errors/index.js';
import { LocalSignalDataSchema, SignalDataSchema, type SignalData } from '../protocol/signalling.js';
import { LINK_BYE, LinkBye, type ByeChannel } from './link-bye.js';
import { MAX_FRAME_BYTES, defaultTimers, type DataLinkOptions, type LinkTimers } from './options.js';
import { routeFromStats, type LinkRoute, type StatsReport } from './route.js';
import { SendQueue, type DataChannelLike } from './send-queue.js';
import { TypedEmitter } from './typed-emitter.js';

export type LinkState = 'connecting' | 'open' | 'closed';

/** Why a link closed: our `close()`, the peer going away, the connect timeout, or an error. */
export type LinkCloseReason = 'local' | 'remote' | 'timeout' | 'error';

export interface LinkCloseEvent {
  readonly reason: LinkCloseReason;
  readonly error?: ParleyError;
}

export interface DataLinkEvents {
  [event: string]: unknown;
  open: undefined;
  /** One data channel message: a frame of at most MAX_FRAME_BYTES. */
  message: Uint8Array;
  close: LinkCloseEvent;
  /** Something went wrong; a fatal error is followed by 'close' with reason 'error'. */
  error: ParleyError;
  route: { readonly route: LinkRoute; readonly previous: LinkRoute };
}

/** The simple-peer instance as this file uses it (its published types need Node's and the DOM's). */
interface PeerLike {
  readonly destroyed: boolean;
  signal(data: SignalData): void;
  destroy(error?: Error): void;
  getStats(callback: (error: unknown, reports: StatsReport[]) => void): void;
  on(event: string, listener: (...args: never[]) => void): void;
  removeAllListeners(event?: string): void;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;
const DEFAULT_HIGH_WATER_MARK = 256 * 1024;
const DEFAULT_LOW_WATER_MARK = 64 * 1024;
/**
 * Where the channel has no `bufferedamountlow` (@roamhq/wrtc), how often a waiting send looks again. The
 * channel drains the whole high-water mark in 1–2 ms on a fast link: a 5 ms poll left it idle for most of
 * each wait (bench/engine/file-transfer.ts: ~18 waits of 5 ms per 16 MiB). 1 ms is a Node timer's finest.
 */
const DEFAULT_DRAIN_POLL_MS = 1;

/** The open data channel: frames go through the SendQueue, which holds it; LINK_BYE goes on it directly. */
type LinkChannel = DataChannelLike & ByeChannel;

/** simple-peer's `ERR_*` codes mapped onto Parley's closed set. */
function codeForPeerError(error: unknown): ErrorCode {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case 'ERR_SIGNALING':
      return 'BAD_REQUEST';
    case 'ERR_WEBRTC_SUPPORT':
    case 'ERR_PC_CONSTRUCTOR':
    case 'ERR_CONNECTION_FAILURE':
    case 'ERR_ICE_CONNECTION_FAILURE':
    case 'ERR_ICE_CONNECTION_CLOSED':
    case 'ERR_DATA_CHANNEL':
      return 'UNAVAILABLE';
    default:
      return 'INTERNAL';
  }
}

function toParleyError(error: unknown, fallback: string): ParleyError {
  if (isParleyError(error)) return error;
  const message = error instanceof Error ? error.message : fallback;
  return new ParleyError(codeForPeerError(error), message, { cause: error });
}

function isDataLinkSignal(data: SignalData): boolean {
  if ('candidate' in data) return true;
  return 'type' in data && (data.type === 'offer' || data.type === 'answer');
}

/** A standalone copy when `bytes` is a view into a larger buffer (some WebRTC stacks send the whole buffer). */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/**
 * One WebRTC data channel to one peer device, over simple-peer, signalled through the relay.
 *
 * simple-peer has no ICE restart: when a link dies, re-establishing means a new DataLink with a new
 * linkId (the LinkManager does this), and whatever rides on the link resumes on the new one (transfers
 * resume from their last acknowledged chunk).
 */
export class DataLink extends TypedEmitter<DataLinkEvents> {
  readonly linkId: string;
  readonly initiator: boolean;

  readonly #peer: PeerLike;
  readonly #sendSignal: (data: SignalData) => void;
  readonly #timers: LinkTimers;
  readonly #routeCheckIntervalMs: number;
  readonly #sendQueue: SendQueue<LinkChannel>;
  readonly #bye: LinkBye;
  readonly #closed: Promise<void>;
  #resolveClosed!: () => void; // assigned in the constructor's Promise executor, which runs synchronously
  #state: LinkState = 'connecting';
  #connectTimer: unknown;
  #routeTimer: unknown;
  #route: LinkRoute = 'unknown';
  #peerError: ParleyError | undefined;

  constructor(options: DataLinkOptions) {
    super();
    this.linkId = options.linkId;
    this.initiator = options.initiator;
    this.#sendSignal = options.sendSignal;
    this.#timers = options.timers ?? defaultTimers;
    this.#routeCheckIntervalMs = options.routeCheckIntervalMs ?? 0;
    if (!Array.isArray(options.iceServers)) {
      throw new ParleyError('BAD_REQUEST', 'iceServers is required (use [] for none)');
    }
    this.#sendQueue = new SendQueue<LinkChannel>({
      highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
      lowWaterMark: options.lowWaterMark ?? DEFAULT_LOW_WATER_MARK,
      drainPollMs: options.drainPollMs ?? DEFAULT_DRAIN_POLL_MS,
      timers: this.#timers,
      onSendError: (error) => this.#shutDown('error', toParleyError(error, 'data channel send failed')),
    });
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });

    try {
      this.#peer = new SimplePeer({
        initiator: options.initiator,
        trickle: true,
        // Text stays text (LINK_BYE); without it the stream turns strings into Buffers like any frame.
        objectMode: true,
        // Always pass our own list, so simple-peer's default public STUN servers are never contacted.
        config: {
          iceServers: options.iceServers.map((server) => ({ ...server })),
          iceTransportPolicy: options.iceTransportPolicy ?? 'all',
        },
        ...(options.wrtc === undefined ? {} : { wrtc: options.wrtc as SimplePeer.Options['wrtc'] }),
      }) as unknown as PeerLike;
    } catch (error) {
      throw toParleyError(error, 'could not create the peer connection');
    }
    this.#bye = new LinkBye(this.#peer, this.#timers);

    this.#peer.on('signal', (data: unknown) => this.#onLocalSignal(data));
    this.#peer.on('connect', () => this.#onConnect());
    this.#peer.on('data', (chunk: unknown) => this.#onData(chunk));
    this.#peer.on('iceStateChange', () => this.#refreshRouteQuietly());
    this.#peer.on('error', (error: unknown) => {
      this.#peerError ??= toParleyError(error, 'peer connection failed');
    });
    this.#peer.on('close', () => this.#onPeerClosed());

    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.#connectTimer = this.#timers.setTimeout(() => {
      this.#connectTimer = undefined;
      if (this.#state !== 'connecting') return;
      this.#shutDown('timeout', new ParleyError('UNAVAILABLE', `link did not open within ${timeoutMs} ms`));
    }, timeoutMs);
  }

  get state(): LinkState {
    return this.#state;
  }

  get route(): LinkRoute {
    return this.#route;
  }

  /** Bytes queued in the data channel right now (0 when not open). */
  get bufferedAmount(): number {
    return this.#sendQueue.bufferedAmount;
  }

  /** The largest `bufferedAmount` seen right after handing a frame to the channel; never above the high-water mark. */
  get maxBufferedAmount(): number {
    return this.#sendQueue.maxBufferedAmount;
  }

  /** How many times sending paused for the channel to drain. */
  get drainWaits(): number {
    return this.#sendQueue.drainWaits;
  }

  get highWaterMark(): number {
    return this.#sendQueue.highWaterMark;
  }

  /** Resolves once the underlying peer connection is torn down (after `close` or any other end). */
  whenClosed(): Promise<void> {
    return this.#closed;
  }

  /** Feeds the peer's signal (offer, answer, candidate) in. Validated here: it is peer input. */
  receiveSignal(data: unknown): void {
    this.#assertNotClosed();
    const parsed = SignalDataSchema.safeParse(data);
    if (!parsed.success) {
      throw new ParleyError('BAD_REQUEST', `invalid signal from peer: ${parsed.error.message}`);
    }
    if (!isDataLinkSignal(parsed.data)) {
      // Renegotiation and transceiver requests are for call links; a data link never adds media.
      throw new ParleyError('BAD_REQUEST', 'a data link takes only offers, answers and candidates');
    }
    this.#peer.signal(parsed.data);
  }

  /**
   * Sends one frame (1..MAX_FRAME_BYTES bytes). Resolves when the frame is handed to the data channel,
   * which happens only while the channel's buffer stays under the high-water mark: awaiting each send is
   * the backpressure. Frames sent before the link opens wait for it. Rejects with CLOSED if the link closes.
   * The link holds on to `frame` until this resolves: only then may its memory be reused.
   */
  send(frame: Uint8Array): Promise<void> {
    this.#assertSendable(frame);
    return this.#sendQueue.send(ownBuffer(frame));
  }

  /**
   * Sends one frame now if the data channel can take it without waiting (open, nothing queued, under the
   * high-water mark) and says whether it did; false: nothing was sent, wait for `writable()`. No promise
   * per frame. The frame's memory is the caller's again as soon as this returns: the data channel copies it
   * before its send returns (see SendQueue.trySend), so a sender may build every frame in the same buffer.
   * Throws as `send` does for a closed link or a bad frame.
   */
  trySend(frame: Uint8Array): boolean {
    this.#assertSendable(frame);
    // A view of a larger buffer is copied first, as in `send` (some WebRTC stacks sent the whole buffer).
    return this.#sendQueue.trySend(ownBuffer(frame));
  }

  /** Resolves when `trySend` may succeed (frames queued before it went out); rejects if the link closes. */
  writable(): Promise<void> {
    if (this.#state === 'closed')
      return Promise.reject(new ParleyError('CLOSED', `link ${this.linkId} is closed`));
    return this.#sendQueue.writable();
  }

  /** Re-reads the selected candidate pair; emits 'route' if it changed. */
  async refreshRoute(): Promise<LinkRoute> {
    this.#assertNotClosed();
    const reports = await new Promise<StatsReport[]>((resolve, reject) => {
      if (this.#peer.destroyed) {
        reject(new ParleyError('CLOSED', 'link is closed'));
        return;
      }
      this.#peer.getStats((error, items) =>
        error ? reject(toParleyError(error, 'getStats failed')) : resolve(items),
      );
    });
    if (this.#state !== 'open') return this.#route;
    const route = routeFromStats(reports);
    if (route !== this.#route) {
      const previous = this.#route;
      this.#route = route;
      this.emit('route', { route, previous });
    }
    return route;
  }

  /**
   * Closes the link. Harmless when already closed. With an error (say, the peer broke the protocol) the
   * link closes with reason 'error' and emits it first.
   */
  close(error?: ParleyError): void {
    this.#shutDown(error === undefined ? 'local' : 'error', error);
  }

  /** What `send` and `trySend` both refuse: a closed link, or a frame that is not 1..MAX_FRAME_BYTES bytes. */
  #assertSendable(frame: Uint8Array): void {
    this.#assertNotClosed();
    if (!(frame instanceof Uint8Array) || frame.byteLength === 0) {
      throw new ParleyError('BAD_REQUEST', 'a frame is a non-empty Uint8Array');
    }
    if (frame.byteLength > MAX_FRAME_BYTES) {
      throw new ParleyError(
        'PAYLOAD_TOO_LARGE',
        `frame of ${frame.byteLength} bytes exceeds ${MAX_FRAME_BYTES}; split it with the framing layer`,
      );
    }
  }

  #assertNotClosed(): void {
    if (this.#state === 'closed') throw new ParleyError('CLOSED', `link ${this.linkId} is closed`);
  }

  #onLocalSignal(data: unknown): void {
    if (this.#state === 'closed') return;
    const parsed = LocalSignalDataSchema.safeParse(data);
    if (!parsed.success) {
      this.emit('error', new ParleyError('INTERNAL', 'WebRTC produced a signal the protocol does not allow'));
      return;
    }
    try {
      this.#sendSignal(parsed.data);
    } catch (error) {
      this.#shutDown('error', toParleyError(error, 'could not send a signal'));
    }
  }

  #onConnect(): void {
    if (this.#state !== 'connecting') return;
    this.#clearConnectTimer();
    // simple-peer keeps the RTCDataChannel private; backpressure needs its bufferedAmount and
    // bufferedamountlow, and the bye its readyState and text send, so read it here, once, behind the
    // LinkChannel shape. The SendQueue holds it from here on.
    const channel = (this.#peer as unknown as { _channel: LinkChannel })._channel;
    this.#state = 'open';
    this.#sendQueue.bind(channel);
    this.emit('open', undefined);
    this.#refreshRouteQuietly();
    this.#scheduleRouteCheck();
  }

  #onData(chunk: unknown): void {
    if (chunk === LINK_BYE) {
      this.#onBye();
      return;
    }
    // Not only when 'open': the peer may send as soon as its side connects, before our 'connect' fires.
    if (this.#state === 'closed') return;
    if (!(chunk instanceof Uint8Array)) {
      this.emit('error', new ParleyError('BAD_REQUEST', 'peer sent a text message; frames are binary'));
      return;
    }
    // Node's simple-peer hands out Buffers; callers get a plain Uint8Array view of the same bytes.
    this.emit('message', new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }

  /**
   * The peer is closing and sends nothing more. Closed already (we said bye too, or are waiting for the
   * peer's close): tear down now. Open: close as if the transport had gone, at once and without a bye of
   * ours, so the peer, which waits for that, may tear down too. This runs between our sends, never in one.
   */
  #onBye(): void {
    if (this.#state !== 'closed') this.#shutDown('remote', undefined);
    else this.#bye.tearDown();
  }

  #onPeerClosed(): void {
    this.#bye.connectionClosed();
    this.#resolveClosed();
    if (this.#state === 'closed') return;
    const error = this.#peerError;
    this.#shutDown(error === undefined ? 'remote' : 'error', error);
  }

  #refreshRouteQuietly(): void {
    if (this.#state !== 'open') return;
    this.refreshRoute().catch((error: unknown) => {
      if (this.#state === 'open') this.emit('error', toParleyError(error, 'could not read the route'));
    });
  }

  #scheduleRouteCheck(): void {
    if (this.#routeCheckIntervalMs <= 0 || this.#state !== 'open') return;
    this.#routeTimer = this.#timers.setTimeout(() => {
      this.#routeTimer = undefined;
      this.#refreshRouteQuietly();
      this.#scheduleRouteCheck();
    }, this.#routeCheckIntervalMs);
  }

  #clearConnectTimer(): void {
    if (this.#connectTimer === undefined) return;
    this.#timers.clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
  }

  #shutDown(reason: LinkCloseReason, error: ParleyError | undefined): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#clearConnectTimer();
    if (this.#routeTimer !== undefined) {
      this.#timers.clearTimeout(this.#routeTimer);
      this.#routeTimer = undefined;
    }
    const channel = this.#sendQueue.channel; // read before close(), which lets go of it
    this.#sendQueue.close(
      new ParleyError('CLOSED', `link ${this.linkId} closed (${reason})`, { cause: error }),
    );
    // LINK_BYE follows every frame the queue handed to the channel; those still queued were rejected above.
    if (this.#peer.destroyed) this.#resolveClosed();
    else this.#bye.linkClosed(channel, reason === 'remote');
    if (error !== undefined) this.emit('error', error);
    this.emit('close', error === undefined ? { reason } : { reason, error });
    this.removeAllListeners();
  }
}
