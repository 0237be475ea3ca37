import type { WebRtcImplementation } from '../link/options.js';

/**
 * What the engine needs from its platform, all injected: core/ imports neither Node nor the DOM. Tests pass
 * socket.io-client's `io`, `@roamhq/wrtc`, fake-indexeddb, a fake clock and their own timers.
 */

/** The part of a socket.io-client Socket the engine uses. */
export interface RelaySocket {
  readonly connected: boolean;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  connect(): unknown;
  close(): unknown;
}

/** Opens a socket to a relay URL; e.g. `(url) => io(url, { transports: ['websocket'], autoConnect: false })`. */
export type SocketFactory = (url: string) => RelaySocket;

export interface EngineTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: EngineTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The subset of `fetch` the attachment API uses. */
export type FetchLike = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: Uint8Array | string },
) => Promise<{
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
  /** The body as a stream (fetch's ReadableStream), read as it arrives; without it downloads buffer. */
  readonly body?: {
    getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }> };
  } | null;
}>;

export type { WebRtcImplementation };
