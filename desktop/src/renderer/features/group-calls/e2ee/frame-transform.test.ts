import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { FrameTransform, type EncodedFrame } from './frame-transform.js';

const key = (keyId: number) => ({ keyId, secret: nacl.randomBytes(32) });
const videoFrame = (type: 'key' | 'delta' = 'delta', mimeType?: string): EncodedFrame => ({
  data: nacl.randomBytes(500).buffer as ArrayBuffer,
  type,
  getMetadata: () => (mimeType === undefined ? {} : { mimeType }),
});
const sender = () => new FrameTransform({ id: 1, role: 'sender', kind: 'video', codec: 'vp8', stream: 0 });
const receiver = () =>
  new FrameTransform({ id: 2, role: 'receiver', kind: 'video', codec: 'vp8', participantId: 'alice' });

/** Runs frames through a transform's stream, as the browser's pipe does; resolves what came out. */
async function pipe(transform: FrameTransform, frames: EncodedFrame[]): Promise<EncodedFrame[]> {
  const out: EncodedFrame[] = [];
  const readable = new ReadableStream<EncodedFrame>({
    start(controller) {
      for (const frame of frames) controller.enqueue(frame);
      controller.close();
    },
  });
  await readable
    .pipeThrough(transform.stream())
    .pipeTo(new WritableStream({ write: (frame) => void out.push(frame) }));
  return out;
}

describe('the frame transform', () => {
  it('sends nothing before it has a key, then only encrypted frames that the key holder decrypts', async () => {
    const alice = key(5);
    const out = sender();
    const plain = [videoFrame('key'), videoFrame()];
    const copies = plain.map((frame) => new Uint8Array(frame.data).slice());
    expect(await pipe(out, [videoFrame()])).toEqual([]);
    expect(out.stats().dropped.noKey).toBe(1);
    await out.addKey(alice);
    const sent = await pipe(out, plain);
    expect(sent).toHaveLength(2);
    const into = receiver();
    await into.addKey(alice);
    const received = await pipe(into, sent);
    expect(received.map((frame) => new Uint8Array(frame.data))).toEqual(copies);
    expect(into.stats()).toMatchObject({ passed: 2, keyIds: [5] });
  });

  it('drops and counts what does not decrypt: no key, a wrong key, a replay, a plaintext frame', async () => {
    const alice = key(7);
    const out = sender();
    await out.addKey(alice);
    const [first, second] = await pipe(out, [videoFrame(), videoFrame()]);
    const copy = (frame: EncodedFrame | undefined): EncodedFrame => ({ data: frame!.data.slice(0) });
    const stranger = receiver();
    expect(await pipe(stranger, [copy(first)])).toEqual([]);
    expect(stranger.stats()).toMatchObject({ dropped: { unknownKey: 1, failed: 0 }, unknownKeyIds: [7] });
    const wrong = receiver();
    await wrong.addKey(key(7));
    expect(await pipe(wrong, [copy(second), videoFrame()])).toEqual([]);
    expect(wrong.stats()).toMatchObject({ passed: 0, dropped: { unknownKey: 0, failed: 2 } });
    const right = receiver();
    await right.addKey(alice);
    expect(await pipe(right, [copy(first), copy(first)])).toHaveLength(1);
    expect(right.stats()).toMatchObject({ passed: 1, dropped: { replayed: 1 } });
    // A frame of no bytes (Chromium hands receivers a few for audio) is dropped apart from real failures.
    expect(await pipe(right, [{ data: new ArrayBuffer(0) }])).toEqual([]);
    expect(right.stats().dropped).toMatchObject({ empty: 1, failed: 0 });
  });

  it('refuses H.264 frames instead of sending them in the clear', async () => {
    const out = sender();
    await out.addKey(key(1));
    expect(await pipe(out, [videoFrame('key', 'video/H264')])).toEqual([]);
    expect(out.stats().dropped.unsupported).toBe(1);
  });
});
