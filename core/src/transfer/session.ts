import { ParleyError } from '../errors/index.js';
import { LinkChannel, type FramedLink } from '../link/framed-link.js';
import { TypedEmitter } from '../link/typed-emitter.js';
import { FRAME_HEADER_BYTES } from '../link/framing.js';
import {
  chunkHeaderLength,
  decodeTransferMessage,
  encodeChunkId,
  encodeTransferMessageParts,
  writeChunkHeader,
  type TransferMessage,
} from './protocol.js';
import { setNewest } from './bounded-map.js';
import { EarlyChunks } from './early-chunks.js';
import type { TransferEndpoint, TransferPort } from './types.js';

const MAX_UNCLAIMED_HELLOS = 64;

export interface TransferSessionEvents {
  [event: string]: unknown;
  /**
   * A message for a transfer nobody attached here: typically the hello of an incoming file. The engine
   * creates its TransferReceiver (it knows the size from the message announcing the file) and attaches it.
   */
  'unknown-transfer': { readonly id: string; readonly message: TransferMessage };
  /** A malformed transfer message from the peer; it was dropped. */
  'protocol-error': ParleyError;
  close: undefined;
}

/**
 * The transfers riding on one link. Owns its attachments (a Map by id); when the link closes it detaches
 * them all, and they wait, with their progress, for the next link's session to resume them.
 */
export class TransferSession extends TypedEmitter<TransferSessionEvents> {
  readonly #link: FramedLink;
  readonly #channel: number;
  readonly #endpoints = new Map<string, TransferEndpoint>();
  readonly #port: TransferPort;
  /** Hellos for transfers nobody attached yet, replayed on attach (bounded: the peer chooses the ids). */
  readonly #unclaimedHellos = new Map<string, Extract<TransferMessage, { t: 'hello' }>>();
  /** Chunks sent right behind a new transfer's hello, held until its receiver attaches (bounded). */
  readonly #early = new EarlyChunks();
  #closed = false;

  constructor(link: FramedLink, channel: number = LinkChannel.transfer) {
    super();
    this.#link = link;
    this.#channel = channel;
    this.#port = {
      // Not an async function: every chunk passes here, and the link's own promise is all it needs.
      send: (message) => {
        if (this.#closed) return Promise.reject(new ParleyError('CLOSED', 'transfer session is closed'));
        try {
          return this.#link.send(this.#channel, encodeTransferMessageParts(message));
        } catch (error) {
          return Promise.reject(error);
        }
      },
      // Every chunk of a file passes here: written straight into the link's frame memory.
      trySendChunk: (id, index, bytes) => {
        if (this.#closed) return false; // writable() says why
        const link = this.#link;
        const idBytes = encodeChunkId(id);
        const frame = link.frameFor(chunkHeaderLength(idBytes) + bytes.byteLength);
        frame.set(bytes, writeChunkHeader(frame, FRAME_HEADER_BYTES, idBytes, index));
        return link.trySendFrame(this.#channel, frame);
      },
      writable: () => {
        if (this.#closed) return Promise.reject(new ParleyError('CLOSED', 'transfer session is closed'));
        return this.#link.writable();
      },
    };
    link.on('message', ({ channel: on, payload }) => {
      if (on === this.#channel) this.#onPayload(payload);
    });
    link.on('close', () => this.close());
    if (link.link.state === 'closed') this.close();
  }

  get size(): number {
    return this.#endpoints.size;
  }

  /**
   * The hellos of transfers nobody attached yet, oldest first: what 'unknown-transfer' told before anyone
   * may have listened (a peer's first messages can come before the engine takes the session up).
   */
  unclaimedHellos(): readonly TransferMessage[] {
    return [...this.#unclaimedHellos.values()];
  }

  /** Puts a transfer on this link; a sender says hello, a receiver says where it stands. */
  attach(endpoint: TransferEndpoint): void {
    if (this.#closed) throw new ParleyError('CLOSED', 'transfer session is closed');
    const existing = this.#endpoints.get(endpoint.id);
    if (existing === endpoint) return;
    if (existing !== undefined)
      throw new ParleyError('CONFLICT', `transfer ${endpoint.id} is already attached`);
    this.#endpoints.set(endpoint.id, endpoint);
    endpoint.attach(this.#port);
    const hello = this.#unclaimedHellos.get(endpoint.id);
    if (hello === undefined) return;
    this.#unclaimedHellos.delete(endpoint.id);
    const held = this.#early.claim(endpoint.id);
    // The announcement goes first only if its burst is held: the receiver's ack then says it took it.
    if (held !== undefined) endpoint.handle({ t: 'eager', id: endpoint.id, chunks: held.eager }, this.#port);
    endpoint.handle(hello, this.#port);
    if (held === undefined) return;
    for (const message of held.trailer === undefined ? held.chunks : [...held.chunks, held.trailer]) {
      if (this.#endpoints.get(endpoint.id) !== endpoint) return;
      this.#deliver(endpoint, message);
    }
  }

  /** Bytes of eager chunks held for transfers nobody attached yet (bounded per link). */
  get heldBytes(): number {
    return this.#early.heldBytes;
  }

  /**
   * This device will not take transfer `id` (its file was refused): its hello and any burst held for it go
   * now, not when the hold expires. A transfer attached here is left alone.
   */
  forget(id: string): void {
    if (this.#endpoints.has(id)) return;
    this.#unclaimedHellos.delete(id);
    this.#early.release(id);
  }

  /** Takes a transfer off this link without ending it. */
  detach(endpoint: TransferEndpoint): void {
    if (this.#endpoints.get(endpoint.id) !== endpoint) return;
    this.#endpoints.delete(endpoint.id);
    endpoint.detach(this.#port);
  }

  /** Detaches every transfer (they can resume elsewhere). Harmless when already closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const endpoint of [...this.#endpoints.values()]) endpoint.detach(this.#port);
    this.#endpoints.clear();
    this.#unclaimedHellos.clear();
    this.#early.clear();
    this.emit('close', undefined);
    this.removeAllListeners();
  }

  #onPayload(payload: Uint8Array): void {
    if (this.#closed) return;
    let message: TransferMessage;
    try {
      message = decodeTransferMessage(payload);
    } catch (error) {
      this.emit(
        'protocol-error',
        error instanceof ParleyError ? error : new ParleyError('BAD_REQUEST', 'unreadable transfer message'),
      );
      return;
    }
    // A refused eager burst is dropped whether or not its receiver attached meanwhile (early-chunks.ts).
    if (message.t === 'chunk' && this.#early.skipping && this.#early.skips(message)) return;
    const endpoint = this.#endpoints.get(message.id);
    if (endpoint === undefined) {
      if (message.t === 'eager') {
        this.#early.announce(message.id, message.chunks);
        return;
      }
      if (message.t === 'hello') this.#keepHello(message);
      else if (message.t === 'cancel')
        this.forget(message.id); // the sender gave it up before we took it
      else if (message.t === 'chunk' && this.#early.hold(message)) return;
      else if (message.t === 'trailer' && this.#early.holdTrailer(message)) return;
      this.emit('unknown-transfer', { id: message.id, message });
      return;
    }
    this.#deliver(endpoint, message);
  }

  #deliver(endpoint: TransferEndpoint, message: TransferMessage): void {
    endpoint.handle(message, this.#port);
    // A finished transfer needs no more of this link.
    if (endpoint.state === 'cancelled' || endpoint.state === 'failed') this.#endpoints.delete(endpoint.id);
  }

  #keepHello(hello: Extract<TransferMessage, { t: 'hello' }>): void {
    this.#early.hello(hello.id);
    const evicted = setNewest(this.#unclaimedHellos, hello.id, hello, MAX_UNCLAIMED_HELLOS);
    if (evicted !== undefined) this.#early.release(evicted);
  }
}
