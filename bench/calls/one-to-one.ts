/**
 * A 1:1 video call as the engine makes it (`client.calls`), against a bare RTCPeerConnection pair carrying
 * the same media in the same process and run:
 *
 * - Set-up: from `calls.place()` to the first decoded frame of the callee's camera at the caller (the callee
 *   answers the moment the ring arrives), against a bare pair from `createOffer()` to its first decoded frame,
 *   offer, answer and candidates handed over in-process. The engine's extra is the ring and answer through the
 *   relay, sealing every signal in the pair's session, and the DTLS fingerprint check. Median of alternating
 *   rounds; also the time to `active` (media connected and authenticated).
 * - CPU: this process's CPU time (both devices, each encoding and decoding 720p30 video and Opus audio) over
 *   a window of an established call, against the bare pair over an equal window; per side is half of it. The
 *   decoded frame rates show both carried the same video.
 *
 * The relay runs in its own process (no TURN configured: iceServers [] and host candidates on loopback).
 * Run inside a loopback-only namespace (`npm run bench`, or unshare as bench/README.md shows).
 */
import type { ParleyClient } from '@parley/core';
import { BarePeerConnection, type BarePeer } from './lib/bare-peer.node.js';
import { runIfMain, sleep } from '../relay/lib/main.node.js';
import { heading, line, ratio } from '../relay/lib/report.js';
import { startServerProcess } from '../relay/lib/server-process.node.js';
import { next, pair, startDevice } from '../engine/lib/devices.node.js';
import { summarize } from '../engine/lib/stats.js';
import {
  FakeCamera,
  HEIGHT,
  WIDTH,
  countFrames,
  firstFrame,
  type BenchTrack,
} from './lib/fake-camera.node.js';

const ROUNDS = 6;
const median = (samples: readonly number[]) => summarize(samples).p50;
const CPU_WARMUP_MS = 3_000;
const CPU_WINDOW_MS = 10_000;

const Peer = BarePeerConnection;

interface Established {
  /** The caller's view of the callee's video. */
  readonly remoteVideo: Promise<BenchTrack>;
  readonly calleeVideo: Promise<BenchTrack>;
  close(): Promise<void>;
}

/** A bare pair with a camera each; `setUpMs` from createOffer to the first decoded frame at the offerer. */
async function barePair(): Promise<Established & { setUpMs: number }> {
  const [a, b] = [new Peer({ iceServers: [] }), new Peer({ iceServers: [] })];
  const [cameraA, cameraB] = [new FakeCamera(), new FakeCamera()];
  a.onicecandidate = ({ candidate }) => void (candidate && b.addIceCandidate(candidate));
  b.onicecandidate = ({ candidate }) => void (candidate && a.addIceCandidate(candidate));
  const video = (peer: BarePeer) =>
    new Promise<BenchTrack>((resolve) => {
      peer.ontrack = ({ track }) => {
        if (track.kind === 'video') resolve(track);
      };
    });
  const remoteVideo = video(a);
  // The sink goes on the moment the track appears, as a video element would: frames before it go undecoded.
  const decoded = remoteVideo.then(firstFrame);
  const calleeVideo = video(b);
  for (const track of cameraA.stream.getTracks()) a.addTrack(track, cameraA.stream);
  for (const track of cameraB.stream.getTracks()) b.addTrack(track, cameraB.stream);
  const started = performance.now();
  const offer = await a.createOffer();
  await a.setLocalDescription(offer);
  await b.setRemoteDescription(offer);
  const answer = await b.createAnswer();
  await b.setLocalDescription(answer);
  await a.setRemoteDescription(answer);
  await decoded;
  const setUpMs = performance.now() - started;
  return {
    setUpMs,
    remoteVideo,
    calleeVideo,
    close: async () => {
      a.close();
      b.close();
      cameraA.stop();
      cameraB.stop();
    },
  };
}

/** Alice calls Bob, who answers at once; `setUpMs` from place() to the first decoded frame at Alice. */
async function engineCall(
  alice: ParleyClient,
  bob: ParleyClient,
): Promise<Established & { setUpMs: number; ringMs: number; activeMs: number }> {
  const [cameraA, cameraB] = [new FakeCamera(), new FakeCamera()];
  const video = (client: ParleyClient) =>
    next(client, 'call-track', ({ track }) => (track as BenchTrack).kind === 'video').then(
      ({ track }) => track as BenchTrack,
    );
  const remoteVideo = video(alice);
  const decoded = remoteVideo.then(firstFrame);
  const calleeVideo = video(bob);
  const offAnswer = bob.on('call-incoming', ({ callId }) =>
    bob.calls.accept(callId, { video: true, media: cameraB.stream }),
  );
  const active = next(alice, 'call-state', (call) => call.phase === 'active');
  const ring = next(bob, 'call-incoming');
  const started = performance.now();
  const { callId } = alice.calls.place(bob.account, { video: true, media: cameraA.stream });
  const ringMs = await ring.then(() => performance.now() - started);
  const activeMs = await active.then(() => performance.now() - started);
  await decoded;
  const setUpMs = performance.now() - started;
  offAnswer();
  return {
    setUpMs,
    ringMs,
    activeMs,
    remoteVideo,
    calleeVideo,
    close: async () => {
      const ended = next(bob, 'call-state', (call) => call.phase === 'ended');
      alice.calls.hangup(callId);
      await ended;
      cameraA.stop();
      cameraB.stop();
    },
  };
}

/** CPU share of one core this process used over the window, and the decoded frame rate at each side. */
async function cpuOver(call: Established): Promise<{ cpu: number; fps: [number, number] }> {
  const counters = [countFrames(await call.remoteVideo), countFrames(await call.calleeVideo)];
  await sleep(CPU_WARMUP_MS);
  const frames = counters.map((counter) => counter.frames());
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  await sleep(CPU_WINDOW_MS);
  const used = process.cpuUsage(cpuStart);
  const seconds = (performance.now() - started) / 1000;
  const fps = counters.map((counter, i) => (counter.frames() - (frames[i] ?? 0)) / seconds);
  for (const counter of counters) counter.stop();
  return { cpu: (used.user + used.system) / 1000 / (seconds * 1000), fps: [fps[0] ?? 0, fps[1] ?? 0] };
}

async function main(): Promise<void> {
  heading(
    `1:1 call set-up and CPU, ${WIDTH}×${HEIGHT} at 30 frames/s + Opus both ways (both sides in one process)`,
  );
  const relay = await startServerProcess('relay.node.ts');
  const alice = await startDevice('alice', relay.url, { direct: true });
  const bob = await startDevice('bob', relay.url, { direct: true });
  try {
    await pair(alice, bob);
    const engine: number[] = [];
    const active: number[] = [];
    const rings: number[] = [];
    const bare: number[] = [];
    // One of each first, unmeasured: JIT, codec and socket warm-up.
    await (await barePair()).close();
    await (await engineCall(alice, bob)).close();
    for (let round = 0; round < ROUNDS; round += 1) {
      const baseline = await barePair();
      bare.push(baseline.setUpMs);
      await baseline.close();
      const call = await engineCall(alice, bob);
      engine.push(call.setUpMs);
      active.push(call.activeMs);
      rings.push(call.ringMs);
      await call.close();
    }
    const [engineMs, bareMs] = [median(engine), median(bare)];
    line(
      `set-up to first decoded remote frame: engine ${engineMs.toFixed(0)} ms (ring at the callee ${median(rings).toFixed(0)} ms, active ${median(active).toFixed(0)} ms), ` +
        `bare RTCPeerConnection pair ${bareMs.toFixed(0)} ms → ${ratio(engineMs, bareMs)} the bare pair ` +
        `(medians of ${ROUNDS} alternating rounds)`,
    );

    const bareCall = await barePair();
    const bareCpu = await cpuOver(bareCall);
    await bareCall.close();
    const engineCallUp = await engineCall(alice, bob);
    const relayCpuStart = relay.cpuMs();
    const engineCpu = await cpuOver(engineCallUp);
    const relayCpuMs = relay.cpuMs() - relayCpuStart;
    await engineCallUp.close();
    const pct = (share: number) => `${(share * 100).toFixed(0)} %`;
    const fps = ({ fps: [a, b] }: { fps: [number, number] }) => `${a.toFixed(0)}/${b.toFixed(0)} fps decoded`;
    // The encoders adapt to the CPU they get: compare per decoded frame as well as per second.
    const perFrame = ({ cpu, fps: [a, b] }: { cpu: number; fps: [number, number] }) => cpu / (a + b);
    line(
      `CPU of one call: engine ${pct(engineCpu.cpu)} of a core for both sides (${pct(engineCpu.cpu / 2)} per side, ` +
        `${fps(engineCpu)}), bare pair ${pct(bareCpu.cpu)} (${fps(bareCpu)}) → ${ratio(engineCpu.cpu, bareCpu.cpu)} ` +
        `the bare pair per second, ${ratio(perFrame(engineCpu), perFrame(bareCpu))} per decoded frame, over ` +
        `${CPU_WINDOW_MS / 1000} s; the relay used ${relayCpuMs} ms of CPU meanwhile`,
    );
  } finally {
    await alice.close();
    await bob.close();
    await relay.stop();
  }
}

runIfMain(import.meta.url, main);
