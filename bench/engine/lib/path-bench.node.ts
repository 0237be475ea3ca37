/**
 * What bench/engine/receive-path.ts and send-path.ts share: a link without WebRTC under a FramedLink, the
 * CPU clocks they read, and their figure (the median of the rounds after the first).
 */
import { readFileSync } from 'node:fs';
import { TypedEmitter, type DataLinkEvents } from '@parley/core';

/** The DataLink surface a FramedLink uses: frames sent are counted (and shown to `onSend`), frames in pushed by hand. */
export class FakeLink extends TypedEmitter<DataLinkEvents> {
  readonly state = 'open';
  readonly link = this;
  sent = 0;
  onSend: ((frame: Uint8Array) => void) | undefined;
  async send(frame: Uint8Array): Promise<void> {
    this.sent += frame.byteLength;
    this.onSend?.(frame);
  }
  /** Takes every frame at once, as a data channel under its high-water mark; `onSend` reads it before this returns. */
  trySend(frame: Uint8Array): boolean {
    this.sent += frame.byteLength;
    this.onSend?.(frame);
    return true;
  }
  async writable(): Promise<void> {}
  deliver(frame: Uint8Array): void {
    this.emit('message', frame);
  }
  close(): void {}
}

/** This process's CPU time (user + system, all threads), ms. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** This (the JavaScript) thread's own CPU time, ms, from the scheduler's nanosecond count. */
export function threadMs(): number {
  return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
}

/** The first round pays for compiling; the median of the others is the figure. */
export function medianAfterFirst(values: readonly number[]): number {
  const sorted = values.slice(1).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function roundList(values: readonly number[]): string {
  return values.map((v) => v.toFixed(0)).join(', ');
}
