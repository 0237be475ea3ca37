import { ParleyError, type MediaSource, type SfuServerEventName, type SfuServerPayload } from '@parley/core';
import type { types } from 'mediasoup';
import type { WorkerSlot } from '../workers/pool.node.js';

/** How a peer reaches its client: the signalling socket, behind a narrow typed function. */
export type Notify = <E extends SfuServerEventName>(event: E, payload: SfuServerPayload<E>) => void;

export type ProducerData = {
  peerId: string;
  source: MediaSource;
};

/**
 * What one peer may hold at once: a client needs two transports (send, receive; plus a reconnect's overlap),
 * a microphone, a camera and a screen share with its audio, and a consumer per remote track. The caps keep
 * one token holder from exhausting a worker.
 */
export const PEER_LIMITS = { transports: 4, producers: 6, consumers: 400 } as const;

/**
 * One participant in one room: the router it was placed on, and everything it created there. Ownership is a
 * tree: closing the peer closes its transports, which closes their producers and consumers (mediasoup's own
 * tree), and the maps forget each child when it closes for any reason.
 */
export class Peer {
  readonly transports = new Map<string, types.Transport>();
  readonly producers = new Map<string, types.Producer<ProducerData>>();
  readonly consumers = new Map<string, types.Consumer>();
  /** The consumer made (or being made) per `transportId\nproducerId`, so a repeated `consume` gets the same one. */
  readonly consuming = new Map<string, Promise<types.Consumer>>();
  private closed = false;

  constructor(
    readonly id: string,
    readonly identity: string,
    readonly slot: WorkerSlot,
    readonly router: types.Router,
    readonly notify: Notify,
    /** Test-only unseen consumer (SfuConfig.observers): never announced, never produces. */
    readonly observer = false,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** Throws QUOTA_EXCEEDED (before anything is created) when the peer already holds its cap of `what`. */
  assertRoomFor(what: keyof typeof PEER_LIMITS): void {
    this.assertOpen();
    if (this[what].size >= PEER_LIMITS[what]) {
      throw new ParleyError('QUOTA_EXCEEDED', `at most ${PEER_LIMITS[what]} ${what} per peer`);
    }
  }

  addTransport(transport: types.Transport): void {
    this.assertOpen();
    this.transports.set(transport.id, transport);
    transport.observer.once('close', () => this.transports.delete(transport.id));
  }

  addProducer(producer: types.Producer<ProducerData>): void {
    this.producers.set(producer.id, producer);
    producer.observer.once('close', () => this.producers.delete(producer.id));
  }

  addConsumer(consumer: types.Consumer): void {
    this.consumers.set(consumer.id, consumer);
    // The worker's load is what spreads growing rooms: count the consumer on its slot until it closes.
    const load = this.slot.consumers;
    load.add(consumer.id);
    consumer.observer.once('close', () => {
      this.consumers.delete(consumer.id);
      load.delete(consumer.id);
    });
  }

  transport(id: string): types.Transport {
    const transport = this.transports.get(id);
    if (!transport) throw new ParleyError('NOT_FOUND', 'no such transport');
    return transport;
  }

  producer(id: string): types.Producer<ProducerData> {
    const producer = this.producers.get(id);
    if (!producer) throw new ParleyError('NOT_FOUND', 'no such producer');
    return producer;
  }

  consumer(id: string): types.Consumer {
    const consumer = this.consumers.get(id);
    if (!consumer) throw new ParleyError('NOT_FOUND', 'no such consumer');
    return consumer;
  }

  /** Closes everything the peer created. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const transport of [...this.transports.values()]) transport.close();
    // Transports own producers and consumers; these loops only matter if mediasoup already dropped a transport.
    for (const producer of [...this.producers.values()]) producer.close();
    for (const consumer of [...this.consumers.values()]) consumer.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new ParleyError('CLOSED', 'this peer has left the room');
  }
}
