import { z } from 'zod';
import type { WireError } from './events.js';
import { IdentitySchema } from './common.js';
import { SFU_TOKEN_MAX_LENGTH } from './sfu-token.js';

/**
 * The SFU's signalling protocol (Socket.IO, one ack per request), specified in docs/sfu.md. mediasoup's own
 * structures (RTP capabilities and parameters, DTLS parameters) are checked here only for being objects;
 * mediasoup validates them fully and its complaints come back as BAD_REQUEST.
 */
const MediasoupIdSchema = z.string().min(1).max(64);
const MediasoupObjectSchema = z.record(z.string(), z.unknown());

export const MediaKindSchema = z.enum(['audio', 'video']);
/** What a producer carries; camera video is simulcast in three layers, screen share is one high layer. */
export const MediaSourceSchema = z.enum(['microphone', 'camera', 'screen', 'screen-audio']);
export type MediaSource = z.infer<typeof MediaSourceSchema>;

/** What a viewer reports about one remote video, so the SFU can pick the layer that fits it. */
export const ViewportSchema = z.strictObject({
  /** The tile's size in device pixels; 0×0 means hidden (lowest layer). */
  width: z.number().int().min(0).max(16_384),
  height: z.number().int().min(0).max(16_384),
  /** The viewer's estimated available downstream bitrate, bits per second, when it knows it. */
  bandwidth: z.number().int().positive().max(1e10).optional(),
});
export type Viewport = z.infer<typeof ViewportSchema>;

/** A listen address for PlainTransports (servers, tests and benchmarks; browsers use WebRTC). */
const PlainAddressSchema = z.strictObject({
  ip: z.union([z.ipv4(), z.ipv6()]),
  port: z.number().int().min(1).max(65_535),
  rtcpPort: z.number().int().min(1).max(65_535).optional(),
});

export const SFU_CLIENT_EVENTS = {
  /** Enter the room the token names; answers what is already there. */
  /**
   * `observe`: enter unseen and only consume — refused ACCESS_DENIED unless the SFU runs with its test-only
   * `observers` setting (it plays a dishonest SFU in tests; docs/sfu.md).
   */
  join: z.strictObject({
    token: z.string().min(1).max(SFU_TOKEN_MAX_LENGTH),
    observe: z.literal(true).optional(),
  }),
  /** Enter the same room again on this socket after `room:restart` (the first join's token is not needed). */
  rejoin: z.strictObject({}),
  leave: z.strictObject({}),
  'transport:create': z.strictObject({
    direction: z.enum(['send', 'recv']),
    /** A PlainTransport instead of WebRTC; only when the SFU allows it (tests, benchmarks, bots). */
    plain: z.strictObject({ comedia: z.boolean().optional() }).optional(),
  }),
  'transport:connect': z.strictObject({
    transportId: MediasoupIdSchema,
    dtlsParameters: MediasoupObjectSchema.optional(),
    plain: PlainAddressSchema.optional(),
  }),
  produce: z.strictObject({
    transportId: MediasoupIdSchema,
    kind: MediaKindSchema,
    source: MediaSourceSchema,
    rtpParameters: MediasoupObjectSchema,
  }),
  'producer:pause': z.strictObject({ producerId: MediasoupIdSchema, paused: z.boolean() }),
  'producer:close': z.strictObject({ producerId: MediasoupIdSchema }),
  consume: z.strictObject({
    transportId: MediasoupIdSchema,
    producerId: MediasoupIdSchema,
    rtpCapabilities: MediasoupObjectSchema,
    viewport: ViewportSchema.optional(),
  }),
  'consumer:resume': z.strictObject({ consumerId: MediasoupIdSchema }),
  'consumer:viewport': z.strictObject({ consumerId: MediasoupIdSchema, viewport: ViewportSchema }),
} as const;

export type SfuClientEventName = keyof typeof SFU_CLIENT_EVENTS;
export type SfuClientRequest<E extends SfuClientEventName> = z.output<(typeof SFU_CLIENT_EVENTS)[E]>;

export interface SfuProducerInfo {
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  paused: boolean;
}

export interface SfuPeerInfo {
  peerId: string;
  identity: string;
}

export interface SfuJoined {
  peerId: string;
  /** The router's RTP capabilities, for mediasoup-client's `device.load()`. */
  routerRtpCapabilities: Record<string, unknown>;
  peers: SfuPeerInfo[];
  producers: SfuProducerInfo[];
}

export interface SfuTransportInfo {
  transportId: string;
  /** WebRTC transports. */
  iceParameters?: unknown;
  iceCandidates?: unknown;
  dtlsParameters?: unknown;
  /** PlainTransports: where to send RTP (and RTCP, with rtcp-mux off). */
  ip?: string;
  port?: number;
}

export interface SfuLayers {
  spatialLayer: number;
  temporalLayer: number;
}

export interface SfuResponses {
  join: SfuJoined;
  rejoin: SfuJoined;
  leave: object;
  'transport:create': SfuTransportInfo;
  'transport:connect': object;
  produce: { producerId: string };
  'producer:pause': object;
  'producer:close': object;
  consume: {
    consumerId: string;
    producerId: string;
    kind: 'audio' | 'video';
    rtpParameters: unknown;
    /** Simulcast and SVC consumers: the layers chosen from the viewport. */
    preferredLayers?: SfuLayers;
  };
  'consumer:resume': object;
  'consumer:viewport': { preferredLayers: SfuLayers | null };
}

export type SfuAckResult<T extends object = object> = ({ ok: true } & T) | { ok: false; error: WireError };

export type SfuClientToServerEvents = {
  [E in SfuClientEventName]: (
    payload: z.input<(typeof SFU_CLIENT_EVENTS)[E]>,
    ack: (result: SfuAckResult<SfuResponses[E]>) => void,
  ) => void;
};

/** What the SFU pushes; clients validate with these as strictly as the SFU validates requests. */
export const SFU_SERVER_EVENTS = {
  'peer:joined': z.strictObject({ peerId: z.string(), identity: IdentitySchema }),
  'peer:left': z.strictObject({ peerId: z.string() }),
  'producer:new': z.strictObject({
    producerId: z.string(),
    peerId: z.string(),
    kind: MediaKindSchema,
    source: MediaSourceSchema,
    paused: z.boolean(),
  }),
  'producer:closed': z.strictObject({ producerId: z.string() }),
  'consumer:closed': z.strictObject({ consumerId: z.string() }),
  'consumer:layers': z.strictObject({
    consumerId: z.string(),
    spatialLayer: z.number().int(),
    temporalLayer: z.number().int(),
  }),
  /** The loudest speaker changed (active-speaker observer). */
  'speaker:active': z.strictObject({ peerId: z.string(), producerId: z.string() }),
  /** Audio levels above the threshold, loudest first, every interval (audio-level observer); [] = silence. */
  'audio:levels': z.strictObject({
    levels: z.array(z.strictObject({ peerId: z.string(), producerId: z.string(), volume: z.number() })),
  }),
  /**
   * The room's media state is gone (its worker died and was replaced): every transport, producer and consumer
   * of this peer is closed. Send `rejoin` on the same socket and publish again; no user action is needed.
   */
  'room:restart': z.strictObject({ reason: z.enum(['worker-died']) }),
} as const;

export type SfuServerEventName = keyof typeof SFU_SERVER_EVENTS;
export type SfuServerPayload<E extends SfuServerEventName> = z.output<(typeof SFU_SERVER_EVENTS)[E]>;
export type SfuServerToClientEvents = {
  [E in SfuServerEventName]: (payload: SfuServerPayload<E>) => void;
};

export function isSfuClientEventName(name: unknown): name is SfuClientEventName {
  return typeof name === 'string' && Object.hasOwn(SFU_CLIENT_EVENTS, name);
}
