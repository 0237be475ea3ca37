/**
 * A four-person group call as a mesh of direct connections against the same call through the SFU (a real
 * mediasoup worker), every participant in this process on @roamhq/wrtc with a 640×360 camera at 30 frames/s
 * and Opus (the app's group-call capture):
 *
 * - CPU per participant: this process's CPU over a window of the established call, divided by four. On the
 *   mesh each participant encodes its camera once per other participant (three peer connections) and decodes
 *   three; through the SFU it encodes once (the app's three simulcast layers: ¼, ½ and full size) and decodes
 *   three. The worker's own CPU over the window is printed beside it (the relay operator's cost).
 * - Join time: a fourth person joins three already talking, from the start of the join to the first decoded
 *   frame of every other participant's camera. The media path only: offers and answers are handed over in
 *   process (the app adds the relay's sealed signalling on the mesh, the SFU's socket on the SFU).
 *
 * No frame encryption here (wrtc has no encoded transforms): the ratio compares the transports. Run inside a
 * loopback-only namespace; needs the worker (MEDIASOUP_WORKER_BIN or sfu/scripts/build-worker.sh's cache).
 */
import wrtc from '@roamhq/wrtc';
import * as mediasoup from 'mediasoup';
import { Device, type types } from 'mediasoup-client';
import { BarePeerConnection, type BarePeer } from './lib/bare-peer.node.js';
import { runIfMain, sleep } from '../relay/lib/main.node.js';
import { heading, line, ratio } from '../relay/lib/report.js';
import { FakeCamera, countFrames, firstFrame, type BenchTrack } from './lib/fake-camera.node.js';

const PEOPLE = 4;
const SIZE = { width: 640, height: 360 };
const WARMUP_MS = 4_000;
const WINDOW_MS = 10_000;
const JOIN_ROUNDS = 3;

// mediasoup-client's Chrome111 handler, on wrtc's implementation of the same API.
Object.assign(globalThis, {
  RTCPeerConnection: wrtc.RTCPeerConnection,
  RTCSessionDescription: wrtc.RTCSessionDescription,
  MediaStream: (wrtc as unknown as { MediaStream: unknown }).MediaStream,
});

const Peer = BarePeerConnection;

/** A running call: each participant's received videos, and how to end it. */
interface Call {
  readonly videos: BenchTrack[][];
  close(): Promise<void>;
}

/** One direct connection between two participants; resolves each side's view of the other's video. */
async function connectPair(
  a: FakeCamera,
  b: FakeCamera,
  peers: BarePeer[],
): Promise<{ atA: Promise<BenchTrack>; atB: Promise<BenchTrack> }> {
  const [pa, pb] = [new Peer({ iceServers: [] }), new Peer({ iceServers: [] })];
  peers.push(pa, pb);
  pa.onicecandidate = ({ candidate }) => void (candidate && pb.addIceCandidate(candidate));
  pb.onicecandidate = ({ candidate }) => void (candidate && pa.addIceCandidate(candidate));
  const video = (peer: BarePeer) =>
    new Promise<BenchTrack>((resolve) => {
      peer.ontrack = ({ track }) => {
        if (track.kind === 'video') resolve(track);
      };
    });
  const atA = video(pa);
  const atB = video(pb);
  for (const track of a.stream.getTracks()) pa.addTrack(track, a.stream);
  for (const track of b.stream.getTracks()) pb.addTrack(track, b.stream);
  const offer = await pa.createOffer();
  await pa.setLocalDescription(offer);
  await pb.setRemoteDescription(offer);
  const answer = await pb.createAnswer();
  await pb.setLocalDescription(answer);
  await pa.setRemoteDescription(answer);
  return { atA, atB };
}

/** `cameras.length` people on a mesh; `joinMs`: the last one's join, to every other's first frame. */
async function meshCall(cameras: FakeCamera[]): Promise<Call & { joinMs: number }> {
  const peers: BarePeer[] = [];
  const videos: Promise<BenchTrack>[][] = cameras.map(() => []);
  const last = cameras.length - 1;
  for (let i = 0; i < last; i += 1)
    for (let j = i + 1; j < last; j += 1) {
      const { atA, atB } = await connectPair(cameras[i] as FakeCamera, cameras[j] as FakeCamera, peers);
      videos[i]?.push(atB);
      videos[j]?.push(atA);
    }
  await Promise.all(videos.flat().map(async (track) => firstFrame(await track)));
  const started = performance.now();
  const newcomer: Promise<BenchTrack>[] = [];
  for (let i = 0; i < last; i += 1) {
    const { atA, atB } = await connectPair(cameras[last] as FakeCamera, cameras[i] as FakeCamera, peers);
    newcomer.push(atB);
    videos[i]?.push(atA);
  }
  videos[last] = newcomer;
  await Promise.all(newcomer.map(async (track) => firstFrame(await track)));
  const joinMs = performance.now() - started;
  return {
    joinMs,
    videos: await Promise.all(videos.map((list) => Promise.all(list))),
    close: async () => {
      for (const peer of peers) peer.close();
    },
  };
}

const CAMERA_ENCODINGS = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

/** The same call through a router on the worker, each participant with a send and a recv transport. */
async function sfuCall(
  router: mediasoup.types.Router,
  cameras: FakeCamera[],
): Promise<Call & { joinMs: number }> {
  const transports: { close(): void }[] = [];
  const producers: { peer: number; id: string }[] = [];
  const recvs: { device: Device; transport: types.Transport; server: mediasoup.types.WebRtcTransport }[] = [];
  const transport = async (device: Device, direction: 'send' | 'recv') => {
    const server = await router.createWebRtcTransport({
      listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
    });
    const options = {
      id: server.id,
      iceParameters: server.iceParameters,
      iceCandidates: server.iceCandidates,
      dtlsParameters: server.dtlsParameters,
    };
    const client =
      direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
    client.on(
      'connect',
      ({ dtlsParameters }, done, fail) => void server.connect({ dtlsParameters }).then(done, fail),
    );
    client.on(
      'produce',
      ({ kind, rtpParameters }, done, fail) =>
        void server.produce({ kind, rtpParameters }).then(({ id }) => done({ id }), fail),
    );
    transports.push(client, server);
    return { client, server };
  };
  const consume = async (viewer: number, producerId: string): Promise<BenchTrack> => {
    const recv = recvs[viewer];
    if (recv === undefined) throw new Error('no recv transport');
    const consumer = await recv.server.consume({
      producerId,
      rtpCapabilities: recv.device.rtpCapabilities,
    });
    const local = await recv.transport.consume({
      id: consumer.id,
      producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
    });
    return local.track as unknown as BenchTrack;
  };
  const enter = async (peer: number) => {
    const device = new Device({ handlerName: 'Chrome111' });
    await device.load({ routerRtpCapabilities: router.rtpCapabilities });
    const send = await transport(device, 'send');
    const recv = await transport(device, 'recv');
    recvs[peer] = { device, transport: recv.client, server: recv.server };
    for (const track of (cameras[peer] as FakeCamera).stream.getTracks()) {
      const producer = await send.client.produce({
        track: track as unknown as MediaStreamTrack,
        ...(track.kind === 'video' ? { encodings: CAMERA_ENCODINGS } : {}),
        stopTracks: false,
      });
      if (track.kind === 'video') producers.push({ peer, id: producer.id });
    }
  };
  const videos: Promise<BenchTrack>[][] = cameras.map(() => []);
  const last = cameras.length - 1;
  for (let peer = 0; peer < last; peer += 1) await enter(peer);
  for (const viewer of [...Array(last).keys()])
    for (const producer of producers)
      if (producer.peer !== viewer) videos[viewer]?.push(consume(viewer, producer.id));
  await Promise.all(videos.flat().map(async (track) => firstFrame(await track)));
  const started = performance.now();
  await enter(last);
  const newcomer = producers.filter((producer) => producer.peer !== last).map(({ id }) => consume(last, id));
  videos[last] = newcomer;
  await Promise.all(newcomer.map(async (track) => firstFrame(await track)));
  const joinMs = performance.now() - started;
  const newest = producers.find((producer) => producer.peer === last);
  if (newest !== undefined)
    for (let viewer = 0; viewer < last; viewer += 1) videos[viewer]?.push(consume(viewer, newest.id));
  return {
    joinMs,
    videos: await Promise.all(videos.map((list) => Promise.all(list))),
    close: async () => {
      for (const item of transports) item.close();
    },
  };
}

/** CPU of this process (share of one core) over the window, and decoded frames per second per video. */
async function measure(call: Call, worker?: mediasoup.types.Worker) {
  await sleep(WARMUP_MS);
  const counters = call.videos.flat().map(countFrames);
  const workerBefore = worker === undefined ? undefined : await worker.getResourceUsage();
  const start = process.cpuUsage();
  const started = performance.now();
  await sleep(WINDOW_MS);
  const used = process.cpuUsage(start);
  const seconds = (performance.now() - started) / 1000;
  const workerAfter = worker === undefined ? undefined : await worker.getResourceUsage();
  const frames = counters.reduce((sum, counter) => sum + counter.frames(), 0);
  for (const counter of counters) counter.stop();
  const workerMs =
    workerBefore === undefined || workerAfter === undefined
      ? 0
      : workerAfter.ru_utime + workerAfter.ru_stime - workerBefore.ru_utime - workerBefore.ru_stime;
  return {
    cpu: (used.user + used.system) / 1000 / (seconds * 1000),
    fps: frames / counters.length / seconds,
    workerCpu: workerMs / (seconds * 1000),
  };
}

const pct = (share: number) => `${(share * 100).toFixed(0)} %`;

async function main(): Promise<void> {
  heading(
    `Group call of ${PEOPLE}: mesh vs SFU, ${SIZE.width}×${SIZE.height} at 30 frames/s + Opus (all in one process)`,
  );
  const worker = await mediasoup.createWorker({
    ...(process.env['MEDIASOUP_WORKER_BIN'] ? { workerBin: process.env['MEDIASOUP_WORKER_BIN'] } : {}),
    logLevel: 'none',
  } as mediasoup.types.WorkerSettings);
  const router = await worker.createRouter({
    mediaCodecs: [
      { kind: 'audio', mimeType: 'audio/opus', clockRate: 48_000, channels: 2 },
      { kind: 'video', mimeType: 'video/VP8', clockRate: 90_000 },
    ],
  });
  const cameras = Array.from({ length: PEOPLE }, () => new FakeCamera(SIZE));
  try {
    const joins = { mesh: [] as number[], sfu: [] as number[] };
    let cpu: { mesh?: Awaited<ReturnType<typeof measure>>; sfu?: Awaited<ReturnType<typeof measure>> } = {};
    for (let round = 0; round < JOIN_ROUNDS; round += 1) {
      const mesh = await meshCall(cameras);
      joins.mesh.push(mesh.joinMs);
      if (round === 0) cpu = { ...cpu, mesh: await measure(mesh) };
      await mesh.close();
      await sleep(1_000);
      const sfu = await sfuCall(router, cameras);
      joins.sfu.push(sfu.joinMs);
      if (round === 0) cpu = { ...cpu, sfu: await measure(sfu, worker) };
      await sfu.close();
      await sleep(1_000);
    }
    const { mesh, sfu } = cpu;
    if (mesh === undefined || sfu === undefined) throw new Error('no CPU figures');
    line(
      `CPU per participant: mesh ${pct(mesh.cpu / PEOPLE)} of a core (${mesh.fps.toFixed(1)} fps per video), ` +
        `SFU ${pct(sfu.cpu / PEOPLE)} (${sfu.fps.toFixed(1)} fps per video; the worker ${pct(sfu.workerCpu)}) → ` +
        `mesh/SFU ${ratio(mesh.cpu, sfu.cpu)} per second, ${ratio(mesh.cpu / mesh.fps, sfu.cpu / sfu.fps)} per decoded frame`,
    );
    const median = (samples: number[]) =>
      [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0;
    line(
      `Join (a fourth to three talking, to every other's first decoded frame), median of ${JOIN_ROUNDS}: ` +
        `mesh ${median(joins.mesh).toFixed(0)} ms [${joins.mesh.map((ms) => ms.toFixed(0)).join(', ')}], ` +
        `SFU ${median(joins.sfu).toFixed(0)} ms [${joins.sfu.map((ms) => ms.toFixed(0)).join(', ')}] → ` +
        `mesh/SFU ${ratio(median(joins.mesh), median(joins.sfu))}`,
    );
  } finally {
    for (const camera of cameras) camera.stop();
    worker.close();
  }
}

runIfMain(import.meta.url, main);
