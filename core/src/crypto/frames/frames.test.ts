import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { isParleyError } from '../../errors/index.js';
import {
  FrameDecryptor,
  FrameEncryptor,
  MAX_RATCHET_STEPS,
  REPLAY_WINDOW,
  RETIRE_AFTER_FRAMES,
  TRAILER_LENGTH,
  clearBytes,
  defaultSubtle,
  ratchetFrameKey,
  type FrameKey,
} from './index.js';

const random = (length: number) => nacl.randomBytes(length);
const key = (keyId: number): FrameKey => ({ keyId, secret: random(32) });
/** A VP8 delta frame: a 3-byte payload header, then the compressed picture. */
const vp8 = (length = 400) => random(length);
const VIDEO = { kind: 'video', codec: 'vp8', keyframe: false } as const;
const KEYFRAME = { kind: 'video', codec: 'video/VP8', keyframe: true } as const;
const AUDIO = { kind: 'audio', codec: 'opus', keyframe: false } as const;

async function sender(frameKey: FrameKey, stream = 0): Promise<FrameEncryptor> {
  const encryptor = new FrameEncryptor({ stream });
  await encryptor.setKey(frameKey);
  return encryptor;
}

function receiver(...keys: FrameKey[]): FrameDecryptor {
  const decryptor = new FrameDecryptor();
  for (const frameKey of keys) decryptor.addKey(frameKey);
  return decryptor;
}

async function failure(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (isParleyError(error)) return error.code;
    throw error;
  }
  return 'decrypted';
}

describe('encrypted call frames', () => {
  it('round-trips video and audio frames, leaving only the codec header bytes in the clear', async () => {
    const alice = key(7);
    const encryptor = await sender(alice);
    const decryptor = receiver(alice);
    for (const [info, clear] of [
      [KEYFRAME, 10],
      [VIDEO, 3],
      [AUDIO, 1],
    ] as const) {
      const frame = vp8();
      const sealed = await encryptor.encrypt(frame, info);
      expect(sealed.subarray(0, clear)).toEqual(frame.subarray(0, clear));
      // Nothing of the payload shows: no 8-byte run of it appears in the encrypted frame.
      const body = Buffer.from(sealed);
      for (let at = clear; at + 8 <= frame.length; at += 8)
        expect(body.includes(Buffer.from(frame.subarray(at, at + 8)))).toBe(false);
      expect(sealed.length).toBe(frame.length + 16 + TRAILER_LENGTH);
      expect(await decryptor.decrypt(sealed, info.kind)).toEqual(frame);
    }
  });

  it('refuses H.264 and unknown codecs clearly instead of sending them unprotected', async () => {
    expect(() => clearBytes('video/H264', true)).toThrow(/H\.264/u);
    const encryptor = await sender(key(1));
    expect(await failure(encryptor.encrypt(vp8(), { kind: 'video', codec: 'h264', keyframe: false }))).toBe(
      'BAD_REQUEST',
    );
    expect(await failure(encryptor.encrypt(vp8(), { kind: 'video', codec: 'av1', keyframe: false }))).toBe(
      'BAD_REQUEST',
    );
  });

  it('sends nothing before it has a key', async () => {
    expect(await failure(new FrameEncryptor({ stream: 0 }).encrypt(vp8(), VIDEO))).toBe('UNAVAILABLE');
  });

  it('does not decrypt under a wrong key, even one with the same key id', async () => {
    const sealed = await (await sender(key(3))).encrypt(vp8(), VIDEO);
    expect(await failure(receiver(key(3)).decrypt(sealed, 'video'))).toBe('DECRYPT_FAILED');
    expect(await failure(receiver().decrypt(sealed, 'video'))).toBe('DECRYPT_FAILED');
  });

  it('refuses a frame whose clear codec header, trailer or payload was altered', async () => {
    const alice = key(9);
    const encryptor = await sender(alice);
    const decryptor = receiver(alice);
    const sealed = await encryptor.encrypt(vp8(), KEYFRAME);
    const flip = (at: number) => {
      const copy = sealed.slice();
      copy[at] = (copy[at] ?? 0) ^ 0x01;
      return copy;
    };
    // The keyframe bit (byte 0), a width byte (7), the payload, the stream (trailer), the clear length.
    for (const at of [0, 7, 20, sealed.length - TRAILER_LENGTH + 5, sealed.length - 2])
      expect(await failure(decryptor.decrypt(flip(at), 'video'))).toBe('DECRYPT_FAILED');
    // A truncated frame and an SFU that moves a frame to another kind of track fail too.
    expect(await failure(decryptor.decrypt(sealed.subarray(0, 20), 'video'))).toBe('DECRYPT_FAILED');
    expect(await failure(decryptor.decrypt(sealed, 'audio'))).toBe('DECRYPT_FAILED');
    // The original still decrypts: nothing above burned its counter.
    expect((await decryptor.decrypt(sealed, 'video')).length).toBeGreaterThan(0);
  });

  it('refuses a replayed frame, and one too old for the replay window', async () => {
    const alice = key(4);
    const encryptor = await sender(alice);
    const decryptor = receiver(alice);
    const first = await encryptor.encrypt(vp8(), VIDEO);
    await decryptor.decrypt(first, 'video');
    expect(await failure(decryptor.decrypt(first, 'video'))).toBe('DUPLICATE_MESSAGE');
    // Out of order within the window is fine (simulcast layers share the counter; the SFU skips some).
    const held = await encryptor.encrypt(vp8(), VIDEO);
    for (let index = 0; index < 10; index += 1) await encryptor.encrypt(vp8(), VIDEO);
    await decryptor.decrypt(await encryptor.encrypt(vp8(), VIDEO), 'video');
    expect((await decryptor.decrypt(held, 'video')).length).toBe(400);
    const tooOld = await encryptor.encrypt(vp8(), VIDEO);
    for (let index = 0; index <= REPLAY_WINDOW; index += 1) await encryptor.encrypt(vp8(), VIDEO);
    await decryptor.decrypt(await encryptor.encrypt(vp8(), VIDEO), 'video');
    expect(await failure(decryptor.decrypt(tooOld, 'video'))).toBe('DUPLICATE_MESSAGE');
  });

  it('gives two tracks of one sender different IVs under the same key', async () => {
    const alice = key(5);
    const camera = await sender(alice, 0);
    const microphone = await sender(alice, 1);
    const same = vp8(64);
    const a = await camera.encrypt(same, VIDEO);
    const b = await microphone.encrypt(same, VIDEO);
    // Same key, same counter 0, same plaintext: with equal IVs the ciphertexts would be equal.
    expect(Buffer.from(a.subarray(3, 64)).equals(Buffer.from(b.subarray(3, 64)))).toBe(false);
    const decryptor = receiver(alice);
    expect(await decryptor.decrypt(a, 'video')).toEqual(same);
    expect(await decryptor.decrypt(b, 'video')).toEqual(same);
  });

  it('switches keys without a gap, then forgets the old key: old-key frames after the switch fail', async () => {
    const before = key(10);
    const after = key(11);
    const encryptor = await sender(before);
    const decryptor = receiver(before);
    await decryptor.decrypt(await encryptor.encrypt(vp8(), VIDEO), 'video');
    // The new key arrives before the sender switches; frames under the old one still decrypt.
    decryptor.addKey(after);
    const inFlight = await encryptor.encrypt(vp8(), VIDEO);
    const lateOld = await encryptor.encrypt(vp8(), VIDEO);
    await encryptor.setKey(after);
    await decryptor.decrypt(await encryptor.encrypt(vp8(), VIDEO), 'video');
    expect((await decryptor.decrypt(inFlight, 'video')).length).toBe(400);
    for (let index = 1; index < RETIRE_AFTER_FRAMES; index += 1)
      await decryptor.decrypt(await encryptor.encrypt(vp8(), VIDEO), 'video');
    expect(decryptor.keyIds).toEqual([11]);
    expect(await failure(decryptor.decrypt(lateOld, 'video'))).toBe('DECRYPT_FAILED');
    // Handing the old key back does not revive it.
    decryptor.addKey(before);
    expect(await failure(decryptor.decrypt(lateOld, 'video'))).toBe('DECRYPT_FAILED');
  });

  it("a leaver's old key cannot decrypt frames under the key rotated after it left", async () => {
    const old = key(20);
    const rotated = key(21);
    const leaver = receiver(old);
    const stayer = receiver(old, rotated);
    const encryptor = await sender(old);
    await leaver.decrypt(await encryptor.encrypt(vp8(), VIDEO), 'video');
    await encryptor.setKey(rotated);
    const fresh = await encryptor.encrypt(vp8(), VIDEO);
    expect(await failure(leaver.decrypt(fresh, 'video'))).toBe('DECRYPT_FAILED');
    // Even if it forges the trailer to name its old key id.
    const forged = fresh.slice();
    new DataView(forged.buffer).setUint32(forged.length - TRAILER_LENGTH, 20);
    expect(await failure(leaver.decrypt(forged, 'video'))).toBe('DECRYPT_FAILED');
    expect((await stayer.decrypt(fresh, 'video')).length).toBe(400);
  });

  it('a joiner given the key ratcheted at its join cannot decrypt what was sent before it came', async () => {
    const before = key(30);
    const ratcheted = await ratchetFrameKey(defaultSubtle(), before);
    expect(ratcheted.keyId).toBe(31);
    const encryptor = await sender(before);
    const earlier = await encryptor.encrypt(vp8(), VIDEO);
    const joiner = receiver(ratcheted);
    expect(await failure(joiner.decrypt(earlier, 'video'))).toBe('DECRYPT_FAILED');
    // Renaming the old frame's key id to the one it holds does not help either.
    const renamed = earlier.slice();
    new DataView(renamed.buffer).setUint32(renamed.length - TRAILER_LENGTH, 31);
    expect(await failure(joiner.decrypt(renamed, 'video'))).toBe('DECRYPT_FAILED');
    await encryptor.setKey(ratcheted);
    expect((await joiner.decrypt(await encryptor.encrypt(vp8(), VIDEO), 'video')).length).toBe(400);
  });

  it('someone already in the call reads frames under a key ratcheted after joins without being sent it', async () => {
    const first = key(40);
    const encryptor = await sender(first);
    const stayer = receiver(first);
    // Two joins in a row: two ratchet steps.
    const twice = await ratchetFrameKey(defaultSubtle(), await ratchetFrameKey(defaultSubtle(), first));
    await encryptor.setKey(twice);
    expect((await stayer.decrypt(await encryptor.encrypt(vp8(), VIDEO), 'video')).length).toBe(400);
    expect(stayer.keyIds).toEqual([40, 42]);
  });

  it('a forged frame naming a later key id authenticates nothing and leaves no key behind', async () => {
    const held = key(50);
    const stayer = receiver(held);
    // A sender under an unrelated key whose id is one ratchet step ahead (a fresh key after a leave).
    const fresh = await sender(key(51));
    expect(await failure(stayer.decrypt(await fresh.encrypt(vp8(), VIDEO), 'video'))).toBe('DECRYPT_FAILED');
    expect(stayer.keyIds).toEqual([50]);
    // Too many steps ahead: not even tried.
    let far = held;
    for (let step = 0; step <= MAX_RATCHET_STEPS; step += 1)
      far = await ratchetFrameKey(defaultSubtle(), far);
    expect(await failure(stayer.decrypt(await (await sender(far)).encrypt(vp8(), VIDEO), 'video'))).toBe(
      'DECRYPT_FAILED',
    );
    expect(stayer.keyIds).toEqual([50]);
  });
});
