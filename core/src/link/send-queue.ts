import { ParleyError } from '../errors/index.js';
import { MAX_FRAME_BYTES, type LinkTimers } from './options.js';

/** The parts of RTCDataChannel that backpressure needs. */
export interface DataChannelLike {
  readonly bufferedAmount: number;
  /** Absent (not a number) on stacks without the bufferedamountlow event, such as @roamhq/wrtc. */
  bufferedAmountLowThreshold?: number;
  send(data: Uint8Array): void;
  addEventListener(type: 'bufferedamountlow', listener: () => void): void;
  removeEventListener(type: 'bufferedamountlow', listener: () => void): void;
}

export interface SendQueueOptions {
  readonly highWaterMark: number;
  readonly lowWaterMark: number;
  readonly drainPollMs: number;
  readonly timers: LinkTimers;
  /** A send that threw: the queue has stopped; the owner closes the link. */
  readonly onSendError: (error: unknown) => void;
}

interface PendingSend {
  /** Undefined for a `writable()` waiter: it holds its place in line for one frame of the largest size. */
  readonly frame: Uint8Array | undefined;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Hands frames to a data channel in order, never letting `bufferedAmount + frame` pass the high-water
 * mark: when the next frame does not fit, it waits for `bufferedamountlow` at the low-water mark, or, where
 * the channel has no such event, polls `bufferedAmount` every `drainPollMs` and resumes once it is at most
 * half the high-water mark (or the low-water mark, if higher). Frames queued before a channel is bound wait
 * for it. `C` is the channel's type as its owner knows it: the queue holds the channel, and hands it back
 * through `channel` for what the owner does beside frames (DataLink's LINK_BYE).
 */
export class SendQueue<C extends DataChannelLike = DataChannelLike> {
  readonly highWaterMark: number;
  readonly lowWaterMark: number;
  readonly #drainPollMs: number;
  /**
   * Where a poll resumes sending. A poll sees the drain only every `drainPollMs`, and a channel drains
   * a quarter-megabyte in about a millisecond on a fast link: waiting for the low-water mark, the next look
   * often finds it empty and idle. Half the high-water mark keeps it fed, with room for a run of frames.
   */
  readonly #pollResumeMark: number;
  readonly #timers: LinkTimers;
  readonly #onSendError: (error: unknown) => void;
  readonly #queue: PendingSend[] = [];
  #channel: C | undefined;
  #hasLowEvent = false;
  #pumping = false;
  #drainWaiter: (() => void) | undefined;
  #drainTimer: unknown;
  #closedWith: ParleyError | undefined;
  #maxBufferedAmount = 0;
  /** At least the channel's bufferedAmount: last read, plus every frame sent since (see trySend). */
  #bufferedAtMost = 0;
  #drainWaits = 0;

  constructor(options: SendQueueOptions) {
    this.highWaterMark = options.highWaterMark;
    this.lowWaterMark = options.lowWaterMark;
    this.#drainPollMs = options.drainPollMs;
    this.#pollResumeMark = Math.max(this.lowWaterMark, Math.floor(this.highWaterMark / 2));
    this.#timers = options.timers;
    this.#onSendError = options.onSendError;
    if (this.lowWaterMark < 0 || this.lowWaterMark > this.highWaterMark - MAX_FRAME_BYTES) {
      // Otherwise a frame could wait for a bufferedamountlow event that never comes.
      throw new ParleyError('BAD_REQUEST', 'lowWaterMark must be at most highWaterMark minus one frame');
    }
  }

  /**
   * The largest `bufferedAmount` right after handing over a frame (as read, or, after trySend, as bounded
   * from above by the last read plus what was sent since); never above the high-water mark.
   */
  get maxBufferedAmount(): number {
    return this.#maxBufferedAmount;
  }

  /** How many times sending paused for the channel to drain: evidence that backpressure engaged. */
  get drainWaits(): number {
    return this.#drainWaits;
  }

  get bufferedAmount(): number {
    return this.#channel?.bufferedAmount ?? 0;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** The bound channel, from `bind` until `close`. */
  get channel(): C | undefined {
    return this.#channel;
  }

  /** Starts sending on `channel` (once the link is open). */
  bind(channel: C): void {
    if (this.#closedWith !== undefined || this.#channel !== undefined) return;
    this.#channel = channel;
    this.#hasLowEvent = typeof channel.bufferedAmountLowThreshold === 'number';
    if (this.#hasLowEvent) {
      channel.bufferedAmountLowThreshold = this.lowWaterMark;
      channel.addEventListener('bufferedamountlow', this.#onLow);
    }
    void this.#pump();
  }

  /**
   * Resolves when `frame` is handed to the channel; rejects with the close error if that never happens.
   * The queue keeps `frame` until then: its memory is the caller's again only once this resolved.
   */
  send(frame: Uint8Array): Promise<void> {
    if (this.#closedWith !== undefined) return Promise.reject(this.#closedWith);
    // Straight to the channel when it can take the frame now: no turn of the pump, and no read of
    // bufferedAmount while the bound says it fits (each read waits on libwebrtc's thread in @roamhq/wrtc).
    try {
      if (this.#sendNow(frame)) return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ frame, resolve, reject });
      void this.#pump();
    });
  }

  /**
   * Hands `frame` to the channel now if it can go without waiting (bound, nothing queued before it, under
   * the high-water mark) and says whether it went; false: nothing happened, wait for `writable()`. No
   * promise: the common case of a transfer below the high-water mark costs a check and the channel's send.
   * The channel copies the frame before its send returns (RTCDataChannel.send does by spec; @roamhq/wrtc
   * copies it into libwebrtc's buffer), so the frame's memory is the caller's again when this returns.
   * A channel whose send throws stops the queue as in `send` (the owner closes the link) and returns false.
   */
  trySend(frame: Uint8Array): boolean {
    try {
      return this.#sendNow(frame);
    } catch {
      return false; // reported by #sendNow; the owner closes the link, and with it this queue
    }
  }

  /**
   * trySend's work: false if the frame cannot go now; throws what the channel's send threw, once reported.
   * bufferedAmount is a call into libwebrtc's signalling thread with @roamhq/wrtc: it is read only when the
   * bound (what it was, plus what went since) says the frame might not fit. The channel only drains between
   * reads, so the bound never undercounts and the high-water mark holds.
   */
  #sendNow(frame: Uint8Array): boolean {
    const channel = this.#channel;
    if (channel === undefined || this.#queue.length > 0) return false;
    const length = frame.byteLength;
    if (this.#bufferedAtMost + length > this.highWaterMark) {
      this.#bufferedAtMost = channel.bufferedAmount;
      if (this.#bufferedAtMost + length > this.highWaterMark) return false;
    }
    try {
      channel.send(frame);
    } catch (error) {
      this.#onSendError(error);
      throw error;
    }
    this.#bufferedAtMost += length;
    if (this.#bufferedAtMost > this.#maxBufferedAmount) this.#maxBufferedAmount = this.#bufferedAtMost;
    return true;
  }

  /**
   * Resolves once a frame of up to MAX_FRAME_BYTES could go at once (after every frame queued before this
   * call); rejects with the close error if the queue closes first.
   */
  writable(): Promise<void> {
    if (this.#closedWith !== undefined) return Promise.reject(this.#closedWith);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ frame: undefined, resolve, reject });
      void this.#pump();
    });
  }

  /** Rejects everything queued with `error` and lets go of the channel. Harmless twice. */
  close(error: ParleyError): void {
    if (this.#closedWith !== undefined) return;
    this.#closedWith = error;
    if (this.#hasLowEvent) this.#channel?.removeEventListener('bufferedamountlow', this.#onLow);
    this.#channel = undefined;
    for (const pending of this.#queue.splice(0)) pending.reject(error);
    this.#onLow();
  }

  readonly #onLow = (): void => {
    if (this.#drainTimer !== undefined) {
      this.#timers.clearTimeout(this.#drainTimer);
      this.#drainTimer = undefined;
    }
    const waiter = this.#drainWaiter;
    this.#drainWaiter = undefined;
    waiter?.();
  };

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (;;) {
        const channel = this.#channel;
        const next = this.#queue[0];
        if (channel === undefined || next === undefined) return;
        const frame = next.frame;
        const length = frame?.byteLength ?? MAX_FRAME_BYTES;
        // As in trySend: the bound first, the channel's own figure only when the bound says it may not fit.
        if (this.#bufferedAtMost + length > this.highWaterMark) this.#bufferedAtMost = channel.bufferedAmount;
        if (this.#bufferedAtMost + length > this.highWaterMark) {
          // bufferedAmount is above the low-water mark here (the constructor checks the margin), so the
          // event will come (or the poll will see the drain), or close() will wake us.
          this.#drainWaits += 1;
          await new Promise<void>((resolve) => {
            this.#drainWaiter = resolve;
            if (!this.#hasLowEvent) this.#poll(channel);
          });
          continue;
        }
        this.#queue.shift();
        if (frame === undefined) {
          next.resolve(); // a writable() waiter: its turn, and a frame fits now
          continue;
        }
        try {
          channel.send(frame);
        } catch (error) {
          next.reject(error);
          this.#onSendError(error);
          return;
        }
        this.#bufferedAtMost += length;
        this.#maxBufferedAmount = Math.max(this.#maxBufferedAmount, this.#bufferedAtMost);
        next.resolve();
      }
    } finally {
      this.#pumping = false;
    }
  }

  #poll(channel: DataChannelLike): void {
    this.#drainTimer = this.#timers.setTimeout(() => {
      this.#drainTimer = undefined;
      if (this.#channel !== channel) return;
      if (channel.bufferedAmount <= this.#pollResumeMark) this.#onLow();
      else this.#poll(channel);
    }, this.#drainPollMs);
  }
}
