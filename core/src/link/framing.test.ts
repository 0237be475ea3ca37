import { describe, expect, it } from 'vitest';
import {
  FRAME_HEADER_BYTES,
  MAX_FRAME_PAYLOAD_BYTES,
  Reassembler,
  decodeFrame,
  encodeFrame,
  splitIntoFrames,
} from './framing.js';
import { MAX_FRAME_BYTES } from './options.js';

function bytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

const code = (value: string) => expect.objectContaining({ code: value });

describe('framing', () => {
  it('splits a payload into frames of at most 16 KiB and puts it back together', () => {
    const payload = bytes(3 * MAX_FRAME_PAYLOAD_BYTES + 5);
    const frames = [...splitIntoFrames(0, 7, payload)];
    expect(frames).toHaveLength(4);
    for (const frame of frames) expect(frame.byteLength).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    const reassembler = new Reassembler();
    const results = frames.map((frame) => reassembler.push(frame));
    expect(results.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(results[3]?.channel).toBe(0);
    expect(results[3]?.payload).toEqual(payload);
    expect(reassembler.partialCount).toBe(0);
  });

  it('reads back every header field across the whole u32 range', () => {
    for (const value of [1, 0x7fffffff, 0x80000000, 0xfedcba98, 0xffffffff]) {
      const frame = encodeFrame(
        { channel: 255, messageId: value, total: value, offset: value - 1 },
        bytes(1),
      );
      expect(decodeFrame(frame).header).toEqual({
        version: 1,
        channel: 255,
        flags: 0,
        messageId: value,
        total: value,
        offset: value - 1,
      });
    }
  });

  it('carries an empty payload in one frame', () => {
    const frames = [...splitIntoFrames(1, 0, new Uint8Array(0))];
    expect(frames).toHaveLength(1);
    expect(new Reassembler().push(frames[0] ?? new Uint8Array())).toEqual({
      channel: 1,
      payload: new Uint8Array(0),
    });
  });

  it('reassembles interleaved messages by message id', () => {
    const one = bytes(MAX_FRAME_PAYLOAD_BYTES * 2, 1);
    const two = bytes(MAX_FRAME_PAYLOAD_BYTES + 1, 2);
    const [a1, a2] = [...splitIntoFrames(0, 1, one)];
    const [b1, b2] = [...splitIntoFrames(1, 2, two)];
    const reassembler = new Reassembler();
    expect(reassembler.push(a1 ?? new Uint8Array())).toBeUndefined();
    expect(reassembler.push(b1 ?? new Uint8Array())).toBeUndefined();
    expect(reassembler.push(b2 ?? new Uint8Array())).toEqual({ channel: 1, payload: two });
    expect(reassembler.push(a2 ?? new Uint8Array())).toEqual({ channel: 0, payload: one });
  });

  it('rejects garbage with a clear error and keeps going', () => {
    const reassembler = new Reassembler();
    expect(() => reassembler.push(new Uint8Array(3))).toThrow(/shorter than its header/);
    const badVersion = encodeFrame({ channel: 0, messageId: 1, total: 1, offset: 0 }, new Uint8Array([1]));
    badVersion[0] = 9;
    expect(() => reassembler.push(badVersion)).toThrow(/malformed frame header/);
    const badFlags = encodeFrame({ channel: 0, messageId: 1, total: 1, offset: 0 }, new Uint8Array([1]));
    badFlags[3] = 1;
    expect(() => reassembler.push(badFlags)).toThrow(code('BAD_REQUEST'));
    const pastTotal = encodeFrame({ channel: 0, messageId: 1, total: 2, offset: 1 }, new Uint8Array([1, 2]));
    expect(() => reassembler.push(pastTotal)).toThrow(/run past the total/);
    const orphan = encodeFrame({ channel: 0, messageId: 5, total: 4, offset: 2 }, new Uint8Array([1, 2]));
    expect(() => reassembler.push(orphan)).toThrow(/never started/);
    const empty = encodeFrame({ channel: 0, messageId: 5, total: 4, offset: 0 }, new Uint8Array(0));
    expect(() => reassembler.push(empty)).toThrow(/empty frame/);
    const fine = encodeFrame({ channel: 2, messageId: 6, total: 1, offset: 0 }, new Uint8Array([42]));
    expect(reassembler.push(fine)).toEqual({ channel: 2, payload: new Uint8Array([42]) });
  });

  it('refuses a frame longer than 16 KiB', () => {
    const frame = new Uint8Array(MAX_FRAME_BYTES + 1);
    frame.set(encodeFrame({ channel: 0, messageId: 0, total: 1, offset: 0 }, new Uint8Array([1])));
    expect(() => decodeFrame(frame)).toThrow(code('PAYLOAD_TOO_LARGE'));
  });

  it('refuses a message that claims to be larger than the limit, without allocating it', () => {
    const reassembler = new Reassembler({ maxMessageBytes: 1000 });
    const frame = encodeFrame({ channel: 0, messageId: 1, total: 0xffffffff, offset: 0 }, new Uint8Array(10));
    expect(() => reassembler.push(frame)).toThrow(code('PAYLOAD_TOO_LARGE'));
    expect(reassembler.partialCount).toBe(0);
  });

  it('bounds the number of incomplete messages', () => {
    const reassembler = new Reassembler({ maxPartialMessages: 2 });
    const start = (id: number) =>
      encodeFrame({ channel: 0, messageId: id, total: 100, offset: 0 }, bytes(10));
    reassembler.push(start(1));
    reassembler.push(start(2));
    expect(() => reassembler.push(start(3))).toThrow(code('PAYLOAD_TOO_LARGE'));
    expect(reassembler.partialCount).toBe(2);
  });

  it('discards a message whose continuation does not fit, and one that restarts', () => {
    const reassembler = new Reassembler();
    reassembler.push(encodeFrame({ channel: 0, messageId: 1, total: 100, offset: 0 }, bytes(10)));
    const gap = encodeFrame({ channel: 0, messageId: 1, total: 100, offset: 20 }, bytes(10));
    expect(() => reassembler.push(gap)).toThrow(/does not continue it/);
    expect(reassembler.partialCount).toBe(0);
    reassembler.push(encodeFrame({ channel: 0, messageId: 2, total: 100, offset: 0 }, bytes(10)));
    const restart = encodeFrame({ channel: 0, messageId: 2, total: 100, offset: 0 }, bytes(10));
    expect(() => reassembler.push(restart)).toThrow(/restarted/);
    expect(reassembler.partialCount).toBe(0);
  });

  it('never crashes on random bytes', () => {
    const reassembler = new Reassembler({ maxMessageBytes: 64 * 1024, maxPartialMessages: 4 });
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 2000; i++) {
      const frame = new Uint8Array(random() % (FRAME_HEADER_BYTES + 64));
      for (let j = 0; j < frame.length; j++) frame[j] = random() & 0xff;
      if (frame.length > 0 && i % 2 === 0) frame[0] = 1;
      if (frame.length > 3 && i % 2 === 0) frame[2] = frame[3] = 0;
      try {
        reassembler.push(frame);
      } catch (error) {
        expect(error).toMatchObject({ name: 'ParleyError' });
      }
    }
    expect(reassembler.partialCount).toBeLessThanOrEqual(4);
  });
});
