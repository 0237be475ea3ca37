/**
 * How many consumers one mediasoup worker sustains within a fixed CPU budget, against mediasoup's published
 * guidance (about 500 consumers per worker, https://mediasoup.org/documentation/v3/scalability/).
 *
 * One worker, one router. Synthetic producers on PlainTransports (a 1.2 Mbit/s camera-like VP8 stream and a
 * 50 packet/s Opus stream each) are fed by this process; consumers, half video and half audio, are
 * PlainTransports that send to a local sink. At each step the worker's own CPU time (getrusage of the worker
 * process) is sampled over a window, so other load on the machine does not count; the cost per consumer is
 * the slope across steps, and the capacity is the budget divided by it.
 */
import { createSocket } from 'node:dgram';
import { AUDIO_PAYLOAD, rtpPacket, vp8Payload } from '@parley/sfu/testing/rtp';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';

/** The budget: 80 % of the one core a worker uses (it is single-threaded), leaving headroom for bursts. */
const CPU_BUDGET = 0.8;
const GUIDANCE = 500;
const STEPS = [0, 40, 80, 160];
const PRODUCERS = 4;
const WARMUP_MS = 1500;
const WINDOW_MS = 4000;
const VIDEO_PACKETS_PER_TICK = 2; // every 10 ms: 200 packets/s of ~1 KB ≈ 1.6 Mbit/s
const TICK_MS = 10;

const worker = await mediasoup.createWorker({ logLevel: 'error', rtcMinPort: 30_000, rtcMaxPort: 39_999 });
const router = await worker.createRouter({
  mediaCodecs: [
    { kind: 'audio', mimeType: 'audio/opus', clockRate: 48_000, channels: 2 },
    { kind: 'video', mimeType: 'video/VP8', clockRate: 90_000 },
  ],
});
const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
const sink = createSocket('udp4');
await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
let sunk = 0;
sink.on('message', () => (sunk += 1));
const sender = createSocket('udp4');
await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));

interface Source {
  producer: types.Producer;
  port: number;
  ssrc: number;
  payloadType: number;
  kind: 'audio' | 'video';
  sequence: number;
}
const sources: Source[] = [];
for (let index = 0; index < PRODUCERS; index += 1) {
  for (const kind of ['video', 'audio'] as const) {
    const transport = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true });
    const ssrc = 10_000 + index * 10 + (kind === 'video' ? 1 : 2);
    const payloadType = kind === 'video' ? 101 : 100;
    const producer = await transport.produce({
      kind,
      rtpParameters: {
        codecs: [
          kind === 'video'
            ? { mimeType: 'video/VP8', payloadType, clockRate: 90_000 }
            : { mimeType: 'audio/opus', payloadType, clockRate: 48_000, channels: 2 },
        ],
        encodings: [{ ssrc }],
      },
    });
    sources.push({ producer, port: transport.tuple.localPort, ssrc, payloadType, kind, sequence: 0 });
  }
}

const keyframe = Buffer.from(vp8Payload(true, 1));
const delta = Buffer.from(vp8Payload(false, 2));
const videoPayload = Buffer.concat([delta, Buffer.alloc(1000 - delta.length)]);
let ticks = 0;
const timer = setInterval(() => {
  ticks += 1;
  for (const source of sources) {
    const packets = source.kind === 'video' ? VIDEO_PACKETS_PER_TICK : ticks % 2 === 0 ? 1 : 0;
    for (let packet = 0; packet < packets; packet += 1) {
      source.sequence += 1;
      const payload =
        source.kind === 'audio' ? AUDIO_PAYLOAD : source.sequence % 300 === 1 ? keyframe : videoPayload;
      const stream = { ssrc: source.ssrc, payloadType: source.payloadType, clockRate: 90_000 };
      sender.send(
        rtpPacket(stream, source.sequence, source.sequence * 1500, payload),
        source.port,
        '127.0.0.1',
      );
    }
  }
}, TICK_MS);

const consumers: types.Consumer[] = [];
async function addConsumers(count: number): Promise<void> {
  const { port } = sink.address();
  while (consumers.length < count) {
    const source = sources[consumers.length % sources.length] as Source;
    const transport = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: false });
    await transport.connect({ ip: '127.0.0.1', port });
    consumers.push(
      await transport.consume({ producerId: source.producer.id, rtpCapabilities: router.rtpCapabilities }),
    );
  }
}

async function cpuSeconds(): Promise<number> {
  const usage = await worker.getResourceUsage();
  return (usage.ru_utime + usage.ru_stime) / 1000;
}

const samples: Array<{ consumers: number; cpu: number; packetsPerSecond: number }> = [];
for (const step of STEPS) {
  await addConsumers(step);
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  const cpuBefore = await cpuSeconds();
  const sunkBefore = sunk;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  const seconds = (performance.now() - started) / 1000;
  const cpu = ((await cpuSeconds()) - cpuBefore) / seconds;
  const packetsPerSecond = (sunk - sunkBefore) / seconds;
  samples.push({ consumers: step, cpu, packetsPerSecond });
  console.log(
    `  ${String(step).padStart(4)} consumers: worker CPU ${(cpu * 100).toFixed(1).padStart(5)} % of a core, ` +
      `${packetsPerSecond.toFixed(0)} packets/s forwarded`,
  );
}
clearInterval(timer);

// Least-squares slope of CPU against consumers: the cost of one more consumer.
const n = samples.length;
const meanX = samples.reduce((sum, s) => sum + s.consumers, 0) / n;
const meanY = samples.reduce((sum, s) => sum + s.cpu, 0) / n;
const slope =
  samples.reduce((sum, s) => sum + (s.consumers - meanX) * (s.cpu - meanY), 0) /
  samples.reduce((sum, s) => sum + (s.consumers - meanX) ** 2, 0);
const base = meanY - slope * meanX;
const capacity = Math.floor((CPU_BUDGET - base) / slope);
console.log(
  `worker capacity: ${capacity} consumers within ${CPU_BUDGET * 100} % of a core ` +
    `(${(slope * 1e6).toFixed(0)} µs of CPU per second per consumer, base ${(base * 100).toFixed(1)} %); ` +
    `mediasoup's guidance ${GUIDANCE}: ratio ${(capacity / GUIDANCE).toFixed(2)}x`,
);
sink.close();
sender.close();
worker.close();
