import type { FrameKey, FrameKeyChange, FrameKeySource } from '@parley/core/crypto/frames';
import { FrameE2ee, e2eePeerConnectionConfig, type E2eeMode } from '../frame-e2ee.dom.js';
import type { TransformStats } from '../messages.js';

/*
 * A test page for e2e/browser/e2ee-frames.spec.ts (never part of the app): Alice's fake camera and microphone
 * are sent, encrypted, over three loopback peer connections to three receivers in the same page, each with
 * its own worker and keys as separate people would have: Bob holds all of Alice's keys, Carol none, Dave only
 * the first (he left before the rotation). The spec drives it through `window.e2eeLoopback`.
 */

class TestKeyring implements FrameKeySource {
  localKey: FrameKey | undefined;
  readonly #remote = new Map<string, FrameKey[]>();
  readonly #listeners = new Set<(change: FrameKeyChange) => void>();

  setLocal(key: FrameKey): void {
    this.localKey = key;
    for (const listener of this.#listeners) listener({ kind: 'local', key });
  }

  addRemote(participantId: string, key: FrameKey): void {
    this.#remote.set(participantId, [...(this.#remote.get(participantId) ?? []), key]);
    for (const listener of this.#listeners) listener({ kind: 'remote', participantId, key });
  }

  remoteKeys(participantId: string): readonly FrameKey[] {
    return this.#remote.get(participantId) ?? [];
  }

  onChange(listener: (change: FrameKeyChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

const RECEIVERS = ['bob', 'carol', 'dave'] as const;
type Receiver = (typeof RECEIVERS)[number];

const newKey = (keyId: number): FrameKey => ({ keyId, secret: crypto.getRandomValues(new Uint8Array(32)) });
const worker = () => new Worker('./frame-worker.js', { type: 'module' });

let alice: FrameE2ee | undefined;
let aliceKeys: TestKeyring | undefined;
const people = new Map<Receiver, { keyring: TestKeyring; e2ee: FrameE2ee; pc: RTCPeerConnection }>();

/** `holdAnswerMs`: the answer reaches the offerer that much later (a slow signalling path). */
async function connect(from: RTCPeerConnection, to: RTCPeerConnection, holdAnswerMs = 0): Promise<void> {
  from.onicecandidate = ({ candidate }) => void (candidate && to.addIceCandidate(candidate));
  // The answerer's candidates wait for its answer to reach the offerer, as signalling would order them.
  const held: RTCIceCandidate[] = [];
  to.onicecandidate = ({ candidate }) => {
    if (candidate === null) return;
    if (from.remoteDescription === null) held.push(candidate);
    else void from.addIceCandidate(candidate);
  };
  await from.setLocalDescription(await from.createOffer());
  await to.setRemoteDescription(from.localDescription as RTCSessionDescriptionInit);
  await to.setLocalDescription(await to.createAnswer());
  if (holdAnswerMs > 0) await new Promise((resolve) => setTimeout(resolve, holdAnswerMs));
  await from.setRemoteDescription(to.localDescription as RTCSessionDescriptionInit);
  for (const candidate of held.splice(0)) await from.addIceCandidate(candidate);
}

/**
 * Chromium's lost transform, as a test can make it: a transform on a worker that never reads, put on the sender
 * or receiver right after ours, so ours sees no frame while the camera runs and packets arrive.
 */
function loseTransform(target: RTCRtpSender | RTCRtpReceiver): void {
  const silent = new Worker(
    URL.createObjectURL(new Blob(['onrtctransform = () => {};'], { type: 'text/javascript' })),
  );
  const Transform = (globalThis as { RTCRtpScriptTransform?: new (worker: Worker) => unknown })
    .RTCRtpScriptTransform;
  if (Transform === undefined) throw new Error('RTCRtpScriptTransform is missing');
  (target as unknown as { transform: unknown }).transform = new Transform(silent);
}

/**
 * `lost`: the first transforms of that person's receivers, or of Alice's senders to them, are lost.
 * `holdAnswerMs`: each connection's answer is held that long (its receivers wait with their transforms on).
 */
async function start(
  mode: E2eeMode,
  lost?: { readonly who: Receiver; readonly side: 'sender' | 'receiver' },
  holdAnswerMs = 0,
): Promise<{ firstKeyId: number }> {
  const config = { ...e2eePeerConnectionConfig(mode) } as RTCConfiguration;
  const media = await navigator.mediaDevices.getUserMedia({
    audio: true,
    video: { width: 320, height: 240 },
  });
  const [track] = media.getVideoTracks();
  const [microphone] = media.getAudioTracks();
  if (track === undefined || microphone === undefined) throw new Error('no fake camera or microphone');
  const first = newKey(1000);
  aliceKeys = new TestKeyring();
  aliceKeys.setLocal(first);
  alice = new FrameE2ee(aliceKeys, { worker: worker(), mode });
  const vp8 = (RTCRtpSender.getCapabilities('video')?.codecs ?? []).filter(
    (codec) => codec.mimeType.toLowerCase() === 'video/vp8',
  );
  for (const name of RECEIVERS) {
    const keyring = new TestKeyring();
    if (name !== 'carol') keyring.addRemote('alice', first);
    const e2ee = new FrameE2ee(keyring, { worker: worker(), mode });
    const sending = new RTCPeerConnection(config);
    const receiving = new RTCPeerConnection(config);
    const transceiver = sending.addTransceiver(track, { direction: 'sendonly' });
    transceiver.setCodecPreferences(vp8);
    const audio = sending.addTransceiver(microphone, { direction: 'sendonly' });
    for (const sender of [transceiver.sender, audio.sender]) {
      alice.protectSender(sender);
      if (lost?.who === name && lost.side === 'sender') loseTransform(sender);
    }
    receiving.ontrack = ({ receiver }) => {
      e2ee.protectReceiver(receiver, 'alice');
      if (lost?.who === name && lost.side === 'receiver') loseTransform(receiver);
    };
    await connect(sending, receiving, holdAnswerMs);
    people.set(name, { keyring, e2ee, pc: receiving });
  }
  return { firstKeyId: first.keyId };
}

/** Alice's new key goes to Bob, never to Dave (who left) or Carol; then Alice switches to it. */
function rotate(): number {
  const next = newKey(1001);
  people.get('bob')?.keyring.addRemote('alice', next);
  aliceKeys?.setLocal(next);
  return next.keyId;
}

async function framesDecoded(): Promise<Record<Receiver, number>> {
  const counts = { bob: 0, carol: 0, dave: 0 };
  for (const [name, { pc }] of people) {
    (await pc.getStats()).forEach((report: { type?: string; kind?: string; framesDecoded?: number }) => {
      if (report.type === 'inbound-rtp' && report.kind === 'video') counts[name] = report.framesDecoded ?? 0;
    });
  }
  return counts;
}

async function stats(): Promise<Record<'alice' | Receiver, TransformStats[]>> {
  const all = { alice: (await alice?.stats()) ?? [], bob: [], carol: [], dave: [] } as Record<
    'alice' | Receiver,
    TransformStats[]
  >;
  for (const [name, { e2ee }] of people) all[name] = await e2ee.stats();
  return all;
}

(globalThis as { e2eeLoopback?: unknown }).e2eeLoopback = {
  start,
  rotate,
  framesDecoded,
  stats,
  hasEncodedStreams: () =>
    'createEncodedStreams' in RTCRtpSender.prototype && 'createEncodedStreams' in RTCRtpReceiver.prototype,
  hasScriptTransform: () => 'RTCRtpScriptTransform' in globalThis,
};
