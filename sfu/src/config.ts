/** Everything `parley-sfu` can be told; the CLI maps flags and environment onto it (cli-config.node.ts). */
export interface SfuConfig {
  /** HTTP + Socket.IO signalling, /healthz and /metrics. */
  port: number;
  host: string;
  /** mediasoup workers: one per core by default. */
  workers: number;
  /** The mediasoup-worker binary; mediasoup's default (or MEDIASOUP_WORKER_BIN) when unset. */
  workerBin?: string;
  /** Where media sockets bind, and the address announced to clients when that differs (NAT, 0.0.0.0). */
  listenIp: string;
  announcedAddress?: string;
  /**
   * The WebRtcServer of worker i listens on UDP and TCP `rtcPort + i`: one port pair per worker serves every
   * WebRTC transport. 0 picks free ports (tests).
   */
  rtcPort: number;
  /** Ports for PlainTransports (only when `plainTransports`), one per transport. */
  rtcMinPort: number;
  rtcMaxPort: number;
  /** Allow PlainTransports (RTP without ICE/DTLS): tests, benchmarks and server-side bots; never browsers. */
  plainTransports: boolean;
  /**
   * Test-only, never in production (no flag sets it): `join` may ask to `observe`, entering the room unseen —
   * not announced to its peers, not in their lists, unable to produce. It plays the dishonest SFU of the
   * threat model, which forwards a call's packets to someone the participants do not know of, so a browser
   * scenario can show that the frames are useless to a holder of old keys (e2e/browser/group-call-e2ee-leave.spec.ts).
   */
  observers: boolean;
  /**
   * Consumers a worker carries before a room places new peers on another worker and pipes producers to them
   * (mediasoup's guidance: about 500 per worker).
   */
  maxConsumersPerWorker: number;
  /** The relay's Ed25519 public key (32 bytes) that signs join tokens. */
  relayPublicKey: Uint8Array;
  /** Browser origins allowed to open the signalling socket; empty = any (the join token is the gate). */
  allowedOrigins: string[];
  /** Audio-level observer: reports every interval, for levels above the threshold (dBov). */
  audioLevels: { intervalMs: number; thresholdDbov: number };
  /** Starting outgoing bitrate estimate per WebRTC transport (bits/s). */
  initialOutgoingBitrate: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export function defaultSfuConfig(
  overrides: Partial<SfuConfig> & Pick<SfuConfig, 'relayPublicKey'>,
): SfuConfig {
  return {
    port: 7780,
    host: '0.0.0.0',
    workers: 1,
    listenIp: '0.0.0.0',
    rtcPort: 40_000,
    rtcMinPort: 40_100,
    rtcMaxPort: 49_999,
    plainTransports: false,
    observers: false,
    maxConsumersPerWorker: 500,
    allowedOrigins: [],
    audioLevels: { intervalMs: 800, thresholdDbov: -70 },
    initialOutgoingBitrate: 1_000_000,
    logLevel: 'info',
    ...overrides,
  };
}
