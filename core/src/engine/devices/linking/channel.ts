import type { CryptoBackend } from '../../../crypto/backend/backend.js';
import { ParleyError, isParleyError } from '../../../errors/index.js';
import { DataLink } from '../../../link/data-link.js';
import { FramedLink } from '../../../link/framed-link.js';
import type { LinkTimers, WebRtcImplementation } from '../../../link/options.js';
import { TypedEmitter } from '../../../link/typed-emitter.js';
import type { IceServer } from '../../../protocol/auth.js';
import { ChannelCipher, type ChannelPath } from './channel-cipher.js';
import type { ChannelKeys } from './handshake.js';
import { BoxedMessageSchema, type BoxedMessage } from './wire.js';

/** The channel's one FramedLink channel number (the link carries nothing else). */
const FRAME_CHANNEL = 0;
/** The largest boxed message on the direct path (history batches stay well below). */
export const MAX_DIRECT_MESSAGE_BYTES = 4 * 1024 * 1024;
/** Sends of one frame the relay's rate limit may refuse before the channel gives up. */
const RELAY_RATE_RETRIES = 10;

export interface ChannelTransport {
  /** Sends one frame to the other device through the relay: a signal of kind 'device-link'. */
  sendRelay(frame: Uint8Array): Promise<void>;
  /** WebRTC for the direct path; without it (or without ICE servers) everything goes through the relay. */
  readonly wrtc?: WebRtcImplementation | undefined;
  readonly iceServers?: readonly IceServer[] | undefined;
  readonly timers: LinkTimers;
  /** How long the direct path may take to open before the relay path carries everything. */
  readonly directTimeoutMs: number;
}

export interface DeviceLinkChannelEvents {
  [event: string]: unknown;
  message: BoxedMessage;
  /** The channel ended: the other side closed, the direct path broke, or a frame did not open. */
  close: { readonly error?: ParleyError };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The encrypted channel between the two devices once the handshake gave it keys. Frames go through the relay
 * until a WebRTC data link (signalled inside this channel, so its DTLS fingerprints are authenticated by the
 * channel keys) opens; from then on everything but late signals goes direct. Whatever path, the payload is
 * boxed under the channel keys: the relay carries ciphertext only. A direct path that breaks after opening
 * ends the channel (the history transfer then resumes on a new one).
 */
export class DeviceLinkChannel extends TypedEmitter<DeviceLinkChannelEvents> {
  readonly #out: ChannelCipher;
  readonly #in: ChannelCipher;
  #direct: FramedLink | undefined;
  #directLink: DataLink | undefined;
  #directOpen = false;
  #ready: Promise<ChannelPath> | undefined;
  #settleReady: ((path: ChannelPath) => void) | undefined;
  #sending: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    readonly role: 'host' | 'joiner',
    keys: ChannelKeys,
    private readonly transport: ChannelTransport,
    backend: CryptoBackend,
  ) {
    super();
    const [mine, theirs] =
      role === 'host' ? [keys.hostToJoiner, keys.joinerToHost] : [keys.joinerToHost, keys.hostToJoiner];
    this.#out = new ChannelCipher(backend, mine);
    this.#in = new ChannelCipher(backend, theirs);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The path sends take now. */
  get path(): ChannelPath {
    return this.#directOpen ? 'direct' : 'relay';
  }

  /** The direct link (for the bench's and tests' view of the route); undefined on the relay path. */
  get directLink(): DataLink | undefined {
    return this.#directOpen ? this.#directLink : undefined;
  }

  /**
   * Starts the direct path (the host offers, the joiner answers) and resolves with the path bulk data should
   * take: 'direct' once it opened, 'relay' when there is no WebRTC or it did not open in time.
   */
  ready(): Promise<ChannelPath> {
    if (this.#ready !== undefined) return this.#ready;
    this.#ready = new Promise((resolve) => (this.#settleReady = resolve));
    const { wrtc, iceServers } = this.transport;
    if (wrtc === undefined || iceServers === undefined || this.#closed) {
      this.#settle('relay');
      return this.#ready;
    }
    let link: DataLink;
    try {
      link = new DataLink({
        initiator: this.role === 'host',
        linkId: 'device-link',
        iceServers,
        wrtc,
        timers: this.transport.timers,
        connectTimeoutMs: this.transport.directTimeoutMs,
        sendSignal: (data) => {
          this.send({ t: 'rtc', data }, 'relay').catch(() => undefined);
        },
      });
    } catch {
      this.#settle('relay');
      return this.#ready;
    }
    this.#directLink = link;
    const framed = new FramedLink(link, { maxMessageBytes: MAX_DIRECT_MESSAGE_BYTES, maxPartialMessages: 4 });
    this.#direct = framed;
    link.on('open', () => {
      this.#directOpen = true;
      this.#settle('direct');
    });
    framed.on('message', ({ payload }) => this.#receive('direct', payload));
    framed.on('close', ({ reason, error }) => {
      const wasOpen = this.#directOpen;
      this.#direct = undefined;
      this.#directOpen = false;
      this.#settle('relay');
      if (wasOpen) {
        this.close(error ?? new ParleyError('UNAVAILABLE', `the direct path closed (${reason})`));
      }
    });
    return this.#ready;
  }

  /**
   * Boxes and sends one message, after every message sent before it (one path delivers in order, and the
   * other side takes each path's frames only in order). `via` forces a path (signals for the direct path
   * always take the relay).
   */
  send(message: BoxedMessage, via?: ChannelPath): Promise<void> {
    if (this.#closed) return Promise.reject(new ParleyError('CLOSED', 'the device-link channel is closed'));
    const path = via ?? this.path;
    const frame = this.#out.seal(path, encoder.encode(JSON.stringify(message)));
    const direct = this.#direct;
    const sent = this.#sending.then(async () => {
      if (path === 'direct') {
        if (direct === undefined) throw new ParleyError('CLOSED', 'the direct path closed');
        await direct.send(FRAME_CHANNEL, frame);
      } else {
        await this.#sendRelay(frame);
      }
    });
    this.#sending = sent.catch(() => undefined);
    return sent;
  }

  /**
   * One frame through the relay. A frame the relay refused for the rate limit (a file's chunks on a fast
   * loopback) is sent again, the same bytes, after a pause: resealing would skip a counter and end the channel.
   */
  async #sendRelay(frame: Uint8Array): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.transport.sendRelay(frame);
        return;
      } catch (error) {
        if (!isParleyError(error, 'RATE_LIMITED') || attempt >= RELAY_RATE_RETRIES || this.#closed)
          throw error;
        await new Promise<void>((resolve) => this.transport.timers.setTimeout(resolve, 100 * attempt));
      }
    }
  }

  /** A boxed frame that came through the relay. */
  receiveRelay(frame: Uint8Array): void {
    this.#receive('relay', frame);
  }

  /** Ends the channel (and its direct link). Idempotent. */
  close(error?: ParleyError): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#settle('relay');
    this.#direct?.close();
    this.#direct = undefined;
    this.emit('close', error === undefined ? {} : { error });
    this.removeAllListeners();
  }

  #settle(path: ChannelPath): void {
    const settle = this.#settleReady;
    this.#settleReady = undefined;
    settle?.(path);
  }

  #receive(path: ChannelPath, frame: Uint8Array): void {
    if (this.#closed) return;
    let message: BoxedMessage;
    try {
      const parsed = BoxedMessageSchema.safeParse(JSON.parse(decoder.decode(this.#in.open(path, frame))));
      if (!parsed.success) {
        throw new ParleyError('BAD_REQUEST', `device link: a malformed message (${parsed.error.message})`);
      }
      message = parsed.data;
    } catch (error) {
      this.close(
        isParleyError(error) ? error : new ParleyError('BAD_REQUEST', 'device link: unreadable frame'),
      );
      return;
    }
    if (message.t === 'rtc') {
      try {
        this.#directLink?.receiveSignal(message.data);
      } catch {
        // A signal for a link that already closed, or one it refused: the relay path carries on.
      }
      return;
    }
    this.emit('message', message);
  }
}
