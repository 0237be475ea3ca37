import { toUint8Array } from '../../protocol/encoding.js';
import type { ServerPayload } from '../../protocol/events.js';
import { LIMITS } from '../../protocol/limits.js';
import type { EngineContext } from '../context.js';
import { receive, type IncomingHandlers } from '../messaging/incoming.js';
import { microBatch } from '../shared/micro-batch.js';
import { ParleyError } from '../../errors/index.js';
import type { RelayConnection } from './relay-connection.js';
import { SerialQueue } from '../shared/serial-queue.js';

/** Group messages held back for a sender key that has not arrived yet. */
const MAX_DEFERRED = 256;

/**
 * How long a group message may wait for its sender key (injected clock, across restarts). A member's key
 * leaves before its messages on the same lane, so one that is still missing after this was never meant
 * for us (a former member's, a non-member's, random bytes): acknowledged and dropped, or the relay would
 * resend it on every connect until it expires.
 */
export const MAX_DEFERRED_WAIT_MS = 2 * 24 * 60 * 60 * 1000;

const deferredKey = (blobId: string) => `deferred-blob:${blobId}`;

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
    if (this.closed()) return result;
    if (result === 'deferred') {
      if (!(await this.#waitedTooLong(blob.id))) return result;
      this.report(new ParleyError('DECRYPT_FAILED', 'dropped a group message whose sender key never came'));
      result = 'dropped';
    } else if (this.#deferred.has(blob.id)) {
      await this.ctx.state.delete(deferredKey(blob.id));
    }
    // Stored (or unreadable): the relay may forget it. The next blob does not wait for this round trip.
    this.#blobAcks(relay)(blob.id);
    return result;
  }

  /** Whether a deferred blob has waited MAX_DEFERRED_WAIT_MS since we first saw it (then forgotten). */
  async #waitedTooLong(blobId: string): Promise<boolean> {
    const now = this.ctx.now();
    const firstSeen = await this.ctx.state.get(deferredKey(blobId));
    if (typeof firstSeen !== 'number') {
      await this.ctx.state.put(deferredKey(blobId), now);
      return false;
    }
    if (now - firstSeen < MAX_DEFERRED_WAIT_MS) return false;
    await this.ctx.state.delete(deferredKey(blobId));
    return true;
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
