import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';
import {
  isParleyError,
  ParleyError,
  type MediaSource,
  type SfuClientRequest,
  type SfuJoined,
  type SfuProducerInfo,
  type SfuResponses,
  type Viewport,
} from '@parley/core';
import { callCodec } from './codecs.js';
import { CAMERA_CODEC_OPTIONS, CAMERA_ENCODINGS, type GroupCallMediaHooks } from './media-hooks.js';
import type { SfuConnection } from './sfu-connection.dom.js';

/** One received track and who it is from. */
export interface RemoteTrack {
  readonly consumerId: string;
  readonly producerId: string;
  readonly peerId: string;
  readonly source: MediaSource;
  readonly kind: 'audio' | 'video';
  readonly track: MediaStreamTrack;
}

interface Parts {
  readonly connection: SfuConnection;
  /** mediasoup-client's handler; the browser's own by default (tests pass FakeHandler's). */
  readonly handlerFactory: types.HandlerFactory | undefined;
  readonly hooks: GroupCallMediaHooks;
  readonly identityOf: (peerId: string) => string;
  readonly viewportOf: (peerId: string, source: MediaSource) => Viewport | undefined;
  readonly changed: () => void;
  /** A remote track that could not be consumed (the call goes on without it). */
  readonly report: (error: unknown) => void;
}

/**
 * The waits before asking again when an idempotent request's answer did not come in time (UNAVAILABLE): an
 * overloaded SFU may answer late, and a lost `consume` would otherwise leave a tile without video for good.
 */
const ASK_AGAIN_AFTER_MS = [500, 1_000, 2_000, 4_000] as const;

/**
 * Everything one admission to an SFU room creates (docs/sfu.md, "A client's flow"): the Device loaded with the
 * router's capabilities, a send and a recv transport, our producers and the consumers of everyone else's.
 * A worker restart or a dropped socket throws all of it away (`close`) and the call builds a new one;
 * the local tracks outlive it (`stopTracks: false`), so nobody is asked for the camera again.
 */
export class CallMedia {
  readonly #producers = new Map<MediaSource, types.Producer>();
  readonly #consumers = new Map<string, { consumer: types.Consumer; info: RemoteTrack }>();
  readonly #asked = new Set<string>();
  /** Producers announced before the recv transport existed, consumed once it does. */
  #pending: SfuProducerInfo[] = [];
  #device: Device | undefined;
  #send: types.Transport | undefined;
  #recv: types.Transport | undefined;
  #closed = false;

  constructor(
    readonly joined: SfuJoined,
    private readonly parts: Parts,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  get remoteTracks(): RemoteTrack[] {
    return [...this.#consumers.values()].map(({ info }) => info);
  }

  /** Loads the device, opens both transports, publishes `local` and consumes what is already there. */
  async start(local: MediaStream, state: { muted: boolean; cameraOff: boolean }): Promise<void> {
    const { handlerFactory } = this.parts;
    const device = new Device(handlerFactory === undefined ? undefined : { handlerFactory });
    await device.load({ routerRtpCapabilities: this.joined.routerRtpCapabilities as types.RtpCapabilities });
    this.#device = device;
    this.#send = await this.#transport('send');
    this.#recv = await this.#transport('recv');
    const audio = local.getAudioTracks()[0];
    const video = local.getVideoTracks()[0];
    if (audio !== undefined) await this.#produce('microphone', audio, state.muted);
    if (video !== undefined) await this.#produce('camera', video, state.cameraOff);
    const pending = [...this.joined.producers, ...this.#pending];
    this.#pending = [];
    // One track that cannot be consumed (its producer closed meanwhile, the SFU never answered) is reported;
    // the call goes on with the others.
    await Promise.all(pending.map((producer) => this.consume(producer).catch(this.parts.report)));
  }

  /** Consumes a producer someone else published (join's list and every `producer:new`). */
  async consume(producer: SfuProducerInfo): Promise<void> {
    // Once per producer: join's list and an early producer:new can name the same one.
    if (this.#closed || producer.peerId === this.joined.peerId || this.#asked.has(producer.producerId))
      return;
    this.#asked.add(producer.producerId);
    const device = this.#device;
    const recv = this.#recv;
    if (device === undefined || recv === undefined) {
      this.#asked.delete(producer.producerId);
      this.#pending.push(producer);
      return;
    }
    const viewport = this.parts.viewportOf(producer.peerId, producer.source);
    const answer = await this.#askUntilAnswered('consume', {
      transportId: recv.id,
      producerId: producer.producerId,
      rtpCapabilities: device.rtpCapabilities as Record<string, unknown>,
      ...(viewport === undefined ? {} : { viewport }),
    });
    if (this.#closed) return;
    const info = { peerId: producer.peerId, identity: this.parts.identityOf(producer.peerId) };
    const consumer = await recv.consume({
      id: answer.consumerId,
      producerId: answer.producerId,
      kind: answer.kind,
      rtpParameters: answer.rtpParameters as types.RtpParameters,
      onRtpReceiver: (receiver) =>
        this.parts.hooks.receiver?.(receiver, { ...info, source: producer.source, kind: answer.kind }),
    });
    this.#consumers.set(consumer.id, {
      consumer,
      info: {
        consumerId: consumer.id,
        producerId: producer.producerId,
        peerId: producer.peerId,
        source: producer.source,
        kind: answer.kind,
        track: consumer.track,
      },
    });
    await this.#askUntilAnswered('consumer:resume', { consumerId: consumer.id });
    this.parts.changed();
  }

  /**
   * An idempotent request (the SFU gives the same consumer to a repeated `consume`; resuming twice is
   * resuming), asked again while its answer does not come, up to ASK_AGAIN_AFTER_MS's patience. A refusal,
   * or this admission closing, ends it.
   */
  async #askUntilAnswered<E extends 'consume' | 'consumer:resume'>(
    event: E,
    payload: SfuClientRequest<E>,
  ): Promise<SfuResponses[E]> {
    for (const wait of [...ASK_AGAIN_AFTER_MS, undefined]) {
      try {
        return await this.parts.connection.request(event, payload);
      } catch (error) {
        if (wait === undefined || this.#closed || !isParleyError(error, 'UNAVAILABLE')) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait));
        if (this.#closed) throw new ParleyError('CLOSED', 'the call moved on without this admission');
      }
    }
    throw new ParleyError('UNAVAILABLE', `the call server did not answer ${event}`);
  }

  /** The peers whose video this admission has decoded frames of (consumer stats: inbound-rtp framesDecoded). */
  async decodingPeers(): Promise<Set<string>> {
    const decoding = new Set<string>();
    for (const { consumer, info } of [...this.#consumers.values()]) {
      if (info.kind !== 'video' || consumer.closed) continue;
      const report = await consumer.getStats().catch(() => undefined);
      report?.forEach((stat: { type?: string; framesDecoded?: number }) => {
        if (stat.type === 'inbound-rtp' && (stat.framesDecoded ?? 0) > 0) decoding.add(info.peerId);
      });
    }
    return decoding;
  }

  /** The SFU closed one of our consumers (its producer went away). */
  consumerClosed(consumerId: string): void {
    const entry = this.#consumers.get(consumerId);
    if (entry === undefined) return;
    entry.consumer.close();
    this.#consumers.delete(consumerId);
    this.parts.changed();
  }

  /** Tells the SFU how large `peerId`'s `source` video is shown, so it forwards the layer that fits. */
  async viewport(peerId: string, source: MediaSource, viewport: Viewport): Promise<void> {
    for (const { info } of this.#consumers.values()) {
      if (info.peerId !== peerId || info.source !== source || info.kind !== 'video') continue;
      await this.parts.connection.request('consumer:viewport', { consumerId: info.consumerId, viewport });
    }
  }

  /** Pauses or resumes one of our producers, here and on the SFU (which then stops forwarding it). */
  async setPaused(source: MediaSource, paused: boolean): Promise<void> {
    const producer = this.#producers.get(source);
    if (producer === undefined || producer.paused === paused) return;
    if (paused) producer.pause();
    else producer.resume();
    await this.parts.connection.request('producer:pause', { producerId: producer.id, paused });
  }

  /** Closes transports, producers and consumers here; the SFU closes its side when we leave or drop. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#send?.close();
    this.#recv?.close();
    this.#producers.clear();
    this.#consumers.clear();
    this.#pending = [];
  }

  async #produce(source: MediaSource, track: MediaStreamTrack, paused: boolean): Promise<void> {
    const send = this.#send;
    const device = this.#device;
    if (send === undefined || device === undefined || this.#closed) return;
    const kind = track.kind === 'audio' ? 'audio' : 'video';
    const producer = await send.produce({
      track,
      codec: callCodec(device.rtpCapabilities, kind),
      stopTracks: false,
      ...(source === 'camera' ? { encodings: CAMERA_ENCODINGS, codecOptions: CAMERA_CODEC_OPTIONS } : {}),
      appData: { source },
      onRtpSender: (sender) => this.parts.hooks.sender?.(sender, { source, kind }),
    });
    this.#producers.set(source, producer);
    if (paused) await this.setPaused(source, true);
  }

  async #transport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const device = this.#device;
    if (device === undefined) throw new Error('the device is not loaded');
    const { connection } = this.parts;
    const info = await connection.request('transport:create', { direction });
    const options: types.TransportOptions = {
      id: info.transportId,
      iceParameters: info.iceParameters as types.IceParameters,
      iceCandidates: info.iceCandidates as types.IceCandidate[],
      dtlsParameters: info.dtlsParameters as types.DtlsParameters,
      ...(this.parts.hooks.peerConnection === undefined
        ? {}
        : { additionalSettings: this.parts.hooks.peerConnection }),
    };
    const transport =
      direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      connection
        .request('transport:connect', {
          transportId: transport.id,
          dtlsParameters: dtlsParameters as Record<string, unknown>,
        })
        .then(() => done(), fail);
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
      connection
        .request('produce', {
          transportId: transport.id,
          kind,
          source: appData.source as MediaSource,
          rtpParameters: rtpParameters as Record<string, unknown>,
        })
        .then(({ producerId }) => done({ id: producerId }), fail);
    });
    return transport;
  }
}
