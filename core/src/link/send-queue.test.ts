import { describe, expect, it } from 'vitest';
import { ParleyError, isParleyError } from '../errors/index.js';
import { MAX_FRAME_BYTES } from './options.js';
import { SendQueue, type DataChannelLike } from './send-queue.js';
import { ManualTimers } from './testing/manual-timers.js';

/** A data channel whose buffer drains only when the test says so. */
class FakeChannel implements DataChannelLike {
  bufferedAmount = 0;
  bufferedAmountLowThreshold?: number;
  readonly afterEachSend: number[] = [];
  bytesSent = 0;
  failNextSend = false;
  readonly #listeners = new Set<() => void>();

  constructor(withLowEvent: boolean) {
    if (withLowEvent) this.bufferedAmountLowThreshold = 0;
  }

  send(data: Uint8Array): void {
    if (this.failNextSend) throw new Error('channel closed underneath');
    this.bufferedAmount += data.byteLength;
    this.bytesSent += data.byteLength;
    this.afterEachSend.push(this.bufferedAmount);
  }

  /** The network takes `bytes`; fires bufferedamountlow when crossing the threshold, as browsers do. */
  drain(bytes: number): void {
    const before = this.bufferedAmount;
    this.bufferedAmount = Math.max(0, before - bytes);
    const threshold = this.bufferedAmountLowThreshold;
    if (threshold !== undefined && before > threshold && this.bufferedAmount <= threshold) {
      for (const listener of this.#listeners) queueMicrotaskLike(listener);
    }
  }

  addEventListener(_type: 'bufferedamountlow', listener: () => void): void {
    this.#listeners.add(listener);
  }

  removeEventListener(_type: 'bufferedamountlow', listener: () => void): void {
    this.#listeners.delete(listener);
  }
}

function queueMicrotaskLike(callback: () => void): void {
  void Promise.resolve().then(callback);
}

/** Lets every pending promise callback run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const KiB = 1024;

function queue(timers = new ManualTimers(), errors: unknown[] = []) {
  return new SendQueue({
    highWaterMark: 64 * KiB,
    lowWaterMark: 32 * KiB,
    drainPollMs: 5,
    timers,
    onSendError: (error) => errors.push(error),
  });
}

/** A channel that counts reads of bufferedAmount (each a call into libwebrtc with @roamhq/wrtc). */
function countingChannel(): { channel: FakeChannel; counts: { reads: number; buffered: number } } {
  const channel = new FakeChannel(true);
  const counts = { reads: 0, buffered: 0 };
  Object.defineProperty(channel, 'bufferedAmount', {
    get: () => {
      counts.reads += 1;
      return counts.buffered;
    },
    set: (value: number) => {
      counts.buffered = value;
    },
  });
  channel.send = (data) => {
    counts.buffered += data.byteLength;
  };
  return { channel, counts };
}

describe('SendQueue', () => {
  it('sends 5 MB without bufferedAmount ever passing the high-water mark, resuming on bufferedamountlow', async () => {
    const channel = new FakeChannel(true);
    const sends = queue();
    sends.bind(channel);
    expect(channel.bufferedAmountLowThreshold).toBe(32 * KiB);
    const total = 5 * 1024 * KiB;
    const frames = total / MAX_FRAME_BYTES;
    const delivered = Array.from({ length: frames }, () => sends.send(new Uint8Array(MAX_FRAME_BYTES)));
    await settle();
    expect(channel.bytesSent).toBe(64 * KiB);
    expect(sends.queued).toBe(frames - 4);
    while (channel.bytesSent < total) {
      channel.drain(channel.bufferedAmount);
      await settle();
    }
    await Promise.all(delivered);
    expect(Math.max(...channel.afterEachSend)).toBeLessThanOrEqual(64 * KiB);
    expect(sends.maxBufferedAmount).toBeLessThanOrEqual(64 * KiB);
    expect(sends.drainWaits).toBeGreaterThan(0);
  });

  it('waits until the buffer is at the low-water mark, not merely below the high one', async () => {
    const channel = new FakeChannel(true);
    const sends = queue();
    sends.bind(channel);
    for (let i = 0; i < 6; i++) void sends.send(new Uint8Array(MAX_FRAME_BYTES));
    await settle();
    expect(channel.bytesSent).toBe(64 * KiB);
    channel.drain(16 * KiB); // 48 KiB buffered: a frame would fit, but the event has not fired
    await settle();
    expect(channel.bytesSent).toBe(64 * KiB);
    channel.drain(16 * KiB); // 32 KiB: bufferedamountlow
    await settle();
    expect(channel.bytesSent).toBe(96 * KiB);
  });

  it('polls bufferedAmount where the channel has no bufferedamountlow event', async () => {
    const timers = new ManualTimers();
    const channel = new FakeChannel(false);
    const sends = queue(timers);
    sends.bind(channel);
    const delivered = Array.from({ length: 8 }, () => sends.send(new Uint8Array(MAX_FRAME_BYTES)));
    await settle();
    expect(channel.bytesSent).toBe(64 * KiB);
    expect(timers.pending).toBe(1);
    channel.drain(16 * KiB);
    timers.fireAll(); // still above the low-water mark: look again later
    await settle();
    expect(channel.bytesSent).toBe(64 * KiB);
    expect(timers.pending).toBe(1);
    channel.drain(channel.bufferedAmount);
    timers.fireAll();
    await Promise.all(delivered);
    expect(channel.bytesSent).toBe(128 * KiB);
    expect(Math.max(...channel.afterEachSend)).toBeLessThanOrEqual(64 * KiB);
  });

  it('holds frames until a channel is bound', async () => {
    const channel = new FakeChannel(true);
    const sends = queue();
    const delivered = sends.send(new Uint8Array([1]));
    await settle();
    expect(sends.queued).toBe(1);
    sends.bind(channel);
    await delivered;
    expect(channel.bytesSent).toBe(1);
  });

  it('rejects everything queued when closed, then every new frame', async () => {
    const timers = new ManualTimers();
    const channel = new FakeChannel(false);
    const sends = queue(timers);
    sends.bind(channel);
    const delivered = Array.from({ length: 6 }, () => sends.send(new Uint8Array(MAX_FRAME_BYTES)));
    await settle();
    const closed = new ParleyError('CLOSED', 'link closed');
    sends.close(closed);
    sends.close(closed);
    const results = await Promise.allSettled(delivered);
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
    ]);
    await expect(sends.send(new Uint8Array([1]))).rejects.toSatisfy((error: unknown) =>
      isParleyError(error, 'CLOSED'),
    );
    timers.fireAll();
    expect(channel.bytesSent).toBe(64 * KiB);
  });

  it('stops and reports when the channel throws', async () => {
    const errors: unknown[] = [];
    const channel = new FakeChannel(true);
    const sends = queue(new ManualTimers(), errors);
    sends.bind(channel);
    channel.failNextSend = true;
    await expect(sends.send(new Uint8Array([1]))).rejects.toThrow(/closed underneath/);
    expect(errors).toHaveLength(1);
  });

  it('trySend hands frames over at once below the high-water mark, and above it sends nothing until writable() says it drained', async () => {
    const channel = new FakeChannel(true);
    const sends = queue();
    const frame = new Uint8Array(MAX_FRAME_BYTES);
    expect(sends.trySend(frame)).toBe(false); // no channel yet
    sends.bind(channel);
    let handed = 0;
    while (sends.trySend(frame)) handed += 1;
    expect(handed).toBe(4);
    expect(channel.bytesSent).toBe(64 * KiB);
    let writable = false;
    const ready = sends.writable().then(() => {
      writable = true;
    });
    channel.drain(16 * KiB); // a frame would fit, but not yet at the low-water mark
    await settle();
    expect(writable).toBe(false);
    expect(sends.trySend(frame)).toBe(false); // the waiter is in line first
    channel.drain(16 * KiB);
    await ready;
    expect(sends.trySend(frame)).toBe(true);
    expect(Math.max(...channel.afterEachSend)).toBeLessThanOrEqual(64 * KiB);
    expect(channel.bytesSent).toBe(80 * KiB);
  });

  it('trySend reads bufferedAmount (a call into libwebrtc) only when a frame might not fit, and still never passes the high-water mark', () => {
    const { channel, counts } = countingChannel();
    const sends = queue();
    sends.bind(channel);
    const frame = new Uint8Array(MAX_FRAME_BYTES);
    for (let i = 0; i < 4; i++) expect(sends.trySend(frame)).toBe(true);
    expect(counts.reads).toBe(0); // 4 × 16 KiB: known to fit under 64 KiB without asking
    expect(sends.trySend(frame)).toBe(false);
    expect(counts.reads).toBe(1);
    counts.buffered = 40 * KiB; // the network took 24 KiB
    expect(sends.trySend(frame)).toBe(true);
    expect(counts.reads).toBe(2);
    expect(counts.buffered).toBe(56 * KiB);
    expect(sends.trySend(frame)).toBe(false);
    expect(sends.maxBufferedAmount).toBeLessThanOrEqual(64 * KiB);
  });

  it('send hands a frame that fits straight to the channel, reading bufferedAmount only when it might not fit', async () => {
    const { channel, counts } = countingChannel();
    const sends = queue();
    sends.bind(channel);
    const frame = new Uint8Array(MAX_FRAME_BYTES);
    // Each resolved by the time send returns: nothing was queued, and the channel was never asked.
    const first = [sends.send(frame), sends.send(frame), sends.send(frame), sends.send(frame)];
    expect(counts.buffered).toBe(64 * KiB);
    expect(sends.queued).toBe(0);
    expect(counts.reads).toBe(0);
    await Promise.all(first);
    // 80 KiB would pass the mark: the channel is asked (by send, then by the queue as it starts waiting).
    const fifth = sends.send(frame);
    expect(counts.reads).toBe(2);
    expect(sends.queued).toBe(1);
    channel.drain(64 * KiB); // the network took everything: bufferedamountlow
    await fifth;
    expect(counts.buffered).toBe(16 * KiB);
    expect(sends.maxBufferedAmount).toBeLessThanOrEqual(64 * KiB);
  });

  it('a poll resumes at half the high-water mark, before the channel runs dry, where the low-water mark is lower', async () => {
    const timers = new ManualTimers();
    const channel = new FakeChannel(false);
    const sends = new SendQueue({
      highWaterMark: 256 * KiB,
      lowWaterMark: 64 * KiB,
      drainPollMs: 1,
      timers,
      onSendError: () => undefined,
    });
    sends.bind(channel);
    const delivered = Array.from({ length: 17 }, () => sends.send(new Uint8Array(MAX_FRAME_BYTES)));
    await settle();
    expect(channel.bytesSent).toBe(256 * KiB);
    channel.drain(112 * KiB); // 144 KiB left: above half
    timers.fireAll();
    await settle();
    expect(channel.bytesSent).toBe(256 * KiB);
    channel.drain(16 * KiB); // 128 KiB left: half, still twice the low-water mark
    timers.fireAll();
    await Promise.all(delivered);
    expect(channel.bytesSent).toBe(272 * KiB);
    expect(Math.max(...channel.afterEachSend)).toBeLessThanOrEqual(256 * KiB);
  });

  it('trySend never jumps ahead of frames queued by send', async () => {
    const channel = new FakeChannel(true);
    const sends = queue();
    sends.bind(channel);
    const order: number[] = [];
    channel.send = (data) => {
      order.push(data[0] ?? -1);
      channel.bufferedAmount += data.byteLength;
    };
    for (let i = 0; i < 5; i++) void sends.send(new Uint8Array(MAX_FRAME_BYTES).fill(i));
    await settle();
    expect(sends.queued).toBe(1);
    channel.drain(channel.bufferedAmount);
    expect(sends.trySend(new Uint8Array(MAX_FRAME_BYTES).fill(9))).toBe(false); // frame 4 first
    await sends.writable();
    expect(sends.trySend(new Uint8Array(MAX_FRAME_BYTES).fill(9))).toBe(true);
    expect(order).toEqual([0, 1, 2, 3, 4, 9]);
  });

  it('writable() rejects with the close error, and trySend refuses once closed', async () => {
    const channel = new FakeChannel(true);
    const sends = queue();
    sends.bind(channel);
    while (sends.trySend(new Uint8Array(MAX_FRAME_BYTES)));
    const waiting = sends.writable();
    sends.close(new ParleyError('CLOSED', 'link closed'));
    await expect(waiting).rejects.toSatisfy((error: unknown) => isParleyError(error, 'CLOSED'));
    await expect(sends.writable()).rejects.toSatisfy((error: unknown) => isParleyError(error, 'CLOSED'));
    channel.drain(channel.bufferedAmount);
    expect(sends.trySend(new Uint8Array(1))).toBe(false);
  });

  it('trySend stops and reports when the channel throws', () => {
    const errors: unknown[] = [];
    const channel = new FakeChannel(true);
    const sends = queue(new ManualTimers(), errors);
    sends.bind(channel);
    channel.failNextSend = true;
    expect(sends.trySend(new Uint8Array([1]))).toBe(false);
    expect(errors).toHaveLength(1);
  });

  it('refuses water marks that could leave a frame waiting forever', () => {
    const make = () =>
      new SendQueue({
        highWaterMark: 64 * KiB,
        lowWaterMark: 60 * KiB,
        drainPollMs: 5,
        timers: new ManualTimers(),
        onSendError: () => {},
      });
    expect(make).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });
});
