import type { FetchLike } from '@parley/core';

/*
 * Small pieces of the browser platform the first screen needs, apart from browser-platform.dom.ts, which
 * brings Socket.IO and the file sinks: the first screen loads without them (and without core).
 */

/** The page's fetch as the engine's FetchLike. */
export const windowFetch: FetchLike = (url, init) =>
  // DOM's Response is structurally richer than FetchLike (getReader has overloads); the shapes agree.
  window.fetch(url, {
    ...(init?.method === undefined ? {} : { method: init.method }),
    ...(init?.headers === undefined ? {} : { headers: init.headers }),
    // The engine hands Uint8Array bodies; fetch takes them as BufferSource.
    ...(init?.body === undefined ? {} : { body: init.body as BodyInit }),
  }) as unknown as ReturnType<FetchLike>;

/** The relay a web client talks to by default: the one that served it. Electron (app://) has no default. */
export function defaultRelayUrl(location: Pick<Location, 'protocol' | 'origin'>): string {
  return location.protocol === 'http:' || location.protocol === 'https:' ? location.origin : '';
}
