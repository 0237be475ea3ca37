import { randomUUID } from 'node:crypto';
import { ParleyError, type SfuJoined, type SfuServerEventName, type SfuServerPayload } from '@parley/core';
import type { types } from 'mediasoup';
import type { SfuConfig } from '../config.js';
import type { Logger } from '../ops/logger.node.js';
import { Peer, type Notify, type ProducerData } from '../peers/peer.node.js';
import type { WorkerPool, WorkerSlot } from '../workers/pool.node.js';
import { MEDIA_CODECS } from './codecs.js';

/** A room's presence on one worker: its router there and the observers that watch the audio produced on it. */
interface RoomRouter {
  readonly slot: WorkerSlot;
  readonly router: types.Router;
  readonly audioLevels: types.AudioLevelObserver;
  readonly activeSpeaker: types.ActiveSpeakerObserver;
}

/**
 * One call: a router on one worker, and more routers on other workers once the first worker carries its
 * share of consumers. A peer's transports live on the router it was placed on; a producer is piped
 * (`pipeToRouter`) to another of the room's routers the first time someone there consumes it.
 */
export class Room {
  readonly peers = new Map<string, Peer>();
  private readonly routers = new Map<number, RoomRouter>();
  /** Every producer in the room, by id, with the router it was produced on. */
  private readonly producers = new Map<
    string,
    { producer: types.Producer<ProducerData>; home: RoomRouter }
  >();
  /** Pipes made or in progress, `${producerId}:${slotIndex}`. */
  private readonly pipes = new Map<string, Promise<void>>();
  private closed = false;

  private constructor(
    readonly id: string,
    private readonly pool: WorkerPool,
    private readonly config: SfuConfig,
    private readonly log: Logger,
  ) {}

  /** Opens the room on the least loaded worker. */
  static async open(id: string, pool: WorkerPool, config: SfuConfig, log: Logger): Promise<Room> {
    const room = new Room(id, pool, config, log);
    await room.routerOn(await pool.ready(pool.leastLoaded()));
    return room;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Slots this room has routers on. */
  usesSlot(slot: WorkerSlot): boolean {
    return this.routers.has(slot.index);
  }

  routerFor(slotIndex: number): types.Router | undefined {
    return this.routers.get(slotIndex)?.router;
  }

  /**
   * Places a new peer: on the room's first worker while it has room for more consumers, otherwise on the
   * least loaded worker, where the room gets (or already has) a second router.
   */
  async join(identity: string, notify: Notify, observer = false): Promise<{ peer: Peer; joined: SfuJoined }> {
    this.assertOpen();
    const first = [...this.routers.values()][0];
    if (!first) throw new ParleyError('UNAVAILABLE', 'room has no router');
    const slot = this.pool.isFull(first.slot) ? this.pool.leastLoaded(first.slot) : first.slot;
    const home = await this.routerOn(await this.pool.ready(slot));
    this.assertOpen();
    const peer = new Peer(randomUUID(), identity, home.slot, home.router, notify, observer);
    const joined: SfuJoined = {
      peerId: peer.id,
      routerRtpCapabilities: home.router.rtpCapabilities as Record<string, unknown>,
      peers: [...this.peers.values()]
        .filter((other) => !other.observer)
        .map((other) => ({ peerId: other.id, identity: other.identity })),
      producers: [...this.producers.values()].map(({ producer }) => ({
        producerId: producer.id,
        peerId: producer.appData.peerId,
        kind: producer.kind,
        source: producer.appData.source,
        paused: producer.paused,
      })),
    };
    if (!observer) this.broadcast('peer:joined', { peerId: peer.id, identity });
    this.peers.set(peer.id, peer);
    this.log.info({ room: this.id, peer: peer.id, identity, worker: slot.index }, 'peer joined');
    return { peer, joined };
  }

  /** Closes everything the peer created and tells the others. Idempotent. */
  leave(peer: Peer): void {
    if (!this.peers.delete(peer.id)) return;
    peer.close();
    if (!peer.observer) this.broadcast('peer:left', { peerId: peer.id });
    this.log.info({ room: this.id, peer: peer.id }, 'peer left');
  }

  async createTransport(
    peer: Peer,
    plain: { comedia?: boolean | undefined } | undefined,
  ): Promise<types.Transport> {
    peer.assertRoomFor('transports');
    const transport = plain
      ? await peer.router.createPlainTransport({
          listenInfo: {
            protocol: 'udp',
            ip: this.config.listenIp,
            ...(this.config.announcedAddress !== undefined
              ? { announcedAddress: this.config.announcedAddress }
              : {}),
          },
          rtcpMux: true,
          comedia: plain.comedia ?? false,
        })
      : await peer.router.createWebRtcTransport({
          webRtcServer: peer.slot.webRtcServer,
          enableUdp: true,
          enableTcp: true,
          preferUdp: true,
          initialAvailableOutgoingBitrate: this.config.initialOutgoingBitrate,
        });
    if (peer.isClosed) {
      transport.close();
      throw new ParleyError('CLOSED', 'this peer has left the room');
    }
    peer.addTransport(transport);
    return transport;
  }

  async produce(
    peer: Peer,
    transport: types.Transport,
    request: { kind: 'audio' | 'video'; source: ProducerData['source']; rtpParameters: unknown },
  ): Promise<types.Producer<ProducerData>> {
    peer.assertRoomFor('producers');
    if (peer.observer) throw new ParleyError('ACCESS_DENIED', 'an observer does not produce');
    const producer = await transport.produce<ProducerData>({
      kind: request.kind,
      rtpParameters: request.rtpParameters as types.RtpParameters,
      appData: { peerId: peer.id, source: request.source },
    });
    const home = this.routers.get(peer.slot.index);
    if (!home || peer.isClosed) {
      producer.close();
      throw new ParleyError('CLOSED', 'this peer has left the room');
    }
    peer.addProducer(producer);
    this.producers.set(producer.id, { producer, home });
    producer.observer.once('close', () => {
      this.producers.delete(producer.id);
      for (const key of this.pipes.keys()) if (key.startsWith(`${producer.id}:`)) this.pipes.delete(key);
      if (!this.closed) this.broadcast('producer:closed', { producerId: producer.id }, peer.id);
    });
    if (producer.kind === 'audio') {
      await home.audioLevels.addProducer({ producerId: producer.id });
      await home.activeSpeaker.addProducer({ producerId: producer.id });
    }
    this.broadcast(
      'producer:new',
      {
        producerId: producer.id,
        peerId: peer.id,
        kind: producer.kind,
        source: request.source,
        paused: producer.paused,
      },
      peer.id,
    );
    return producer;
  }

  producer(producerId: string): types.Producer<ProducerData> {
    const entry = this.producers.get(producerId);
    if (!entry) throw new ParleyError('NOT_FOUND', 'no such producer in this room');
    return entry.producer;
  }

  /** Makes `producerId` consumable on the peer's router, piping it there from its home router once. */
  async bringProducerTo(peer: Peer, producerId: string): Promise<void> {
    const entry = this.producers.get(producerId);
    if (!entry) throw new ParleyError('NOT_FOUND', 'no such producer in this room');
    if (entry.home.slot === peer.slot) return;
    const key = `${producerId}:${peer.slot.index}`;
    let pipe = this.pipes.get(key);
    if (!pipe) {
      pipe = entry.home.router
        .pipeToRouter({ producerId, router: peer.router })
        .then(() => undefined)
        .catch((error: unknown) => {
          this.pipes.delete(key);
          throw error;
        });
      this.pipes.set(key, pipe);
      this.log.debug({ room: this.id, producer: producerId, to: peer.slot.index }, 'piping producer');
    }
    await pipe;
  }

  /** Sends `event` to every peer in the room but `except`. */
  broadcast<E extends SfuServerEventName>(event: E, payload: SfuServerPayload<E>, except?: string): void {
    for (const peer of this.peers.values()) if (peer.id !== except) peer.notify(event, payload);
  }

  /**
   * Ends the room: every peer's media state is closed. After a worker death the peers are told to rejoin
   * (`room:restart`); their sessions stay admitted, so they can, without a new token.
   */
  close(reason?: 'worker-died'): Peer[] {
    if (this.closed) return [];
    this.closed = true;
    const peers = [...this.peers.values()];
    this.peers.clear();
    for (const peer of peers) {
      peer.close();
      if (reason) peer.notify('room:restart', { reason });
    }
    for (const { router } of this.routers.values()) router.close();
    this.routers.clear();
    this.producers.clear();
    this.pipes.clear();
    return peers;
  }

  private async routerOn(slot: WorkerSlot): Promise<RoomRouter> {
    const existing = this.routers.get(slot.index);
    if (existing) return existing;
    const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS, appData: { room: this.id } });
    const again = this.routers.get(slot.index);
    if (again || this.closed) {
      // Two joins raced to open the same worker; or the room closed meanwhile.
      router.close();
      if (again) return again;
      this.assertOpen();
    }
    const audioLevels = await router.createAudioLevelObserver({
      maxEntries: 16,
      threshold: this.config.audioLevels.thresholdDbov,
      interval: this.config.audioLevels.intervalMs,
    });
    const activeSpeaker = await router.createActiveSpeakerObserver();
    const levelsOf = (volumes: types.AudioLevelObserverVolume[]) =>
      volumes.map(({ producer, volume }) => ({
        peerId: String(producer.appData['peerId']),
        producerId: producer.id,
        volume,
      }));
    audioLevels.on('volumes', (volumes) => this.broadcast('audio:levels', { levels: levelsOf(volumes) }));
    audioLevels.on('silence', () => this.broadcast('audio:levels', { levels: [] }));
    activeSpeaker.on('dominantspeaker', ({ producer }) =>
      this.broadcast('speaker:active', {
        peerId: String(producer.appData['peerId']),
        producerId: producer.id,
      }),
    );
    const entry: RoomRouter = { slot, router, audioLevels, activeSpeaker };
    this.routers.set(slot.index, entry);
    return entry;
  }

  private assertOpen(): void {
    if (this.closed) throw new ParleyError('UNAVAILABLE', 'the room closed; rejoin');
  }
}
