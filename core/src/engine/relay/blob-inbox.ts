import { toUint8Array } from '../../protocol/encoding.js';
import type { ServerPayload } from '../../protocol/events.js';
import { LIMITS } from '../../protocol/limits.js';
import type { EngineContext } from '../context.js';
import { receive, type IncomingHandlers } from '../messaging/incoming.js';
import { microBatch } from '../shared/micro-batch.js';
import type { RelayConnection } from './relay-connection.js';
import { SerialQueue } from '../shared/serial-queue.js';

/** Group messages held back for a sender key that has not arrived yet. */
const MAX_DEFERRED = 256;

/**
 * Incoming relay blobs, one at a time in the order the relay pushes them (its deposit order), acknowledged
 * once stored. A group message ahead of its sender key is kept unacknowledged and retried after anything is
 * stored (it may have been that key), by relay blobs and link envelopes alike.
 */
export class BlobInbox {
  readonly #queue = new SerialQueue();
  readonly #deferred = new Map<string, { relay: RelayConnection; blob: ServerPayload<'blob'> }>();
  /** Blob acknowledgements per relay, coalesced over one turn of the event loop. */
  readonly #acks = new Map<RelayConnection, (id: string) => void>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly handlers: IncomingHandlers,
    private readonly report: (error: unknown) => void,
    private readonly closed: () => boolean,
  ) {}

  async onBlob(relay: RelayConnection, blob: ServerPayload<'blob'>): Promise<void> {
    await this.#queue.run('relay', async () => {
      const result = await this.#receiveBlob(relay, blob);
      if (result === 'deferred') {
        this.#deferred.set(blob.id, { relay, blob });
        if (this.#deferred.size > MAX_DEFERRED)
          this.#deferred.delete(this.#deferred.keys().next().value ?? '');
      } else if (result === 'stored') {
        await this.#retryDeferred();
      }
    });
  }

  /** A link envelope: same per-device order as relay blobs (the sender device's queue slot). */
  async onEnvelope(envelope: Uint8Array): Promise<void> {
    try {
      const result = await receive(this.ctx, this.handlers, envelope, 'direct');
      if (result === 'stored' && this.#deferred.size > 0) {
        void this.#queue.run('relay', () => this.#retryDeferred());
      }
    } catch (error) {
      this.report(error);
    }
  }

  idle(): Promise<void> {
    return this.#queue.idle();
  }

  async #retryDeferred(): Promise<void> {
    for (const [id, waiting] of [...this.#deferred]) {
      if ((await this.#receiveBlob(waiting.relay, waiting.blob)) !== 'deferred') this.#deferred.delete(id);
    }
  }

  /** Receives one blob and acknowledges it unless it must wait; a blob that cannot be read is acked too. */
  async #receiveBlob(relay: RelayConnection, blob: ServerPayload<'blob'>): Promise<string> {
    if (this.closed()) return 'closed';
    let result: string;
    try {
      result = await receive(this.ctx, this.handlers, toUint8Array(blob.payload).subarray(0), 'relay');
    } catch (error) {
      if (this.closed()) return 'closed';
      this.report(error);
      result = 'rejected';
    }
    if (result === 'deferred' || this.closed()) return result;
    // Stored (or unreadable): the relay may forget it. The next blob does not wait for this round trip.
    this.#blobAcks(relay)(blob.id);
    return result;
  }

  #blobAcks(relay: RelayConnection): (id: string) => void {
    let ack = this.#acks.get(relay);
    if (ack === undefined) {
      ack = microBatch<string>(LIMITS.maxAckIds, (ids) => {
        void relay.request('blob:ack', { ids }).catch((error: unknown) => this.report(error));
      });
      this.#acks.set(relay, ack);
    }
    return ack;
  }
}
