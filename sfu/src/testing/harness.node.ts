import { randomBytes } from 'node:crypto';
import { toBase64Url } from '@parley/core';
import { defaultSfuConfig, type SfuConfig } from '../config.js';
import { startSfu, type Sfu } from '../server.node.js';
import { connectSfuClient, type SfuTestClient } from './client.node.js';
import { makeRelayKey, type TestRelayKey } from './relay-key.node.js';
import { AUDIO_LEVEL_EXTENSION_ID } from './rtp.node.js';

/**
 * A real SFU (real mediasoup workers, MEDIASOUP_WORKER_BIN) on 127.0.0.1 with free ports, a relay key to
 * mint tokens with, and a fake clock for token expiry.
 */
export interface TestSfu {
  sfu: Sfu;
  key: TestRelayKey;
  clock: { now: number };
  connect(): Promise<SfuTestClient>;
  /** A fresh room id, as a group's members would derive it. */
  newRoom(): string;
  token(identity: string, room: string, ttlMs?: number): string;
  stop(): Promise<void>;
}

export async function startTestSfu(
  overrides: Partial<Omit<SfuConfig, 'relayPublicKey'>> = {},
): Promise<TestSfu> {
  const key = makeRelayKey();
  const clock = { now: Date.now() };
  const sfu = await startSfu(
    defaultSfuConfig({
      relayPublicKey: key.publicKey,
      port: 0,
      host: '127.0.0.1',
      listenIp: '127.0.0.1',
      rtcPort: 0,
      rtcMinPort: 20_000,
      rtcMaxPort: 29_999,
      plainTransports: true,
      logLevel: 'silent',
      ...overrides,
    }),
    { now: () => clock.now },
  );
  const clients: SfuTestClient[] = [];
  return {
    sfu,
    key,
    clock,
    async connect() {
      const client = await connectSfuClient(sfu.url);
      clients.push(client);
      return client;
    },
    newRoom: () => toBase64Url(randomBytes(32)),
    token: (identity, room, ttlMs = 60_000) => key.mint({ identity, room, exp: clock.now + ttlMs }),
    async stop() {
      for (const client of clients) client.close();
      await sfu.close();
    },
  };
}

/** A random identity (the relay would have authenticated it). */
export function newIdentity(): string {
  return toBase64Url(randomBytes(32));
}

/** RTP parameters of a synthetic Opus sender on a PlainTransport. */
export function opusParameters(ssrc: number) {
  return {
    codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48_000, channels: 2 }],
    headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: AUDIO_LEVEL_EXTENSION_ID }],
    encodings: [{ ssrc }],
  };
}

/** RTP parameters of a synthetic VP8 camera: three simulcast layers (180p/360p/720p), L1T3 each. */
export function simulcastVp8Parameters(ssrcs: [number, number, number]) {
  return {
    codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90_000 }],
    encodings: [
      { ssrc: ssrcs[0], scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
      { ssrc: ssrcs[1], scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
      { ssrc: ssrcs[2], scaleResolutionDownBy: 1, maxBitrate: 1_500_000, scalabilityMode: 'L1T3' },
    ],
  };
}
