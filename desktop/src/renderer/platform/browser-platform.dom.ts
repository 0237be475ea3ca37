import { io } from 'socket.io-client';
import { receivedFileSink, storedFileOpener } from './received-files.dom.js';
import { windowFetch } from './window-fetch.dom.js';
import type {
  FetchLike,
  FileSinkFactory,
  IndexedDbFactory,
  StoredFileOpener,
  RelaySocket,
  SocketFactory,
  WebRtcImplementation,
} from '@parley/core';

/** What ParleyClient needs from a browser (or Electron's renderer), all taken from `window`. */
export interface BrowserPlatform {
  readonly indexedDB: IndexedDbFactory;
  readonly socketFactory: SocketFactory;
  readonly fetch: FetchLike;
  /** WebRTC for direct links. ICE servers always come from the relay's grant, never simple-peer's defaults. */
  readonly wrtc?: WebRtcImplementation;
  /** Received files go to the Origin Private File System when the browser has one (see received-files.dom.ts). */
  readonly fileSink?: FileSinkFactory;
  /** This device's copies of its files (OPFS), served to our linked devices that moved the history. */
  readonly storedFile?: StoredFileOpener;
}

export function browserPlatform(): BrowserPlatform {
  const wrtc: WebRtcImplementation | undefined =
    typeof RTCPeerConnection === 'function'
      ? { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate }
      : undefined;
  const fileSink = receivedFileSink();
  const storedFile = storedFileOpener();
  return {
    ...(fileSink === undefined ? {} : { fileSink }),
    ...(storedFile === undefined ? {} : { storedFile }),
    indexedDB: window.indexedDB as unknown as IndexedDbFactory,
    // WebSocket only: no long-polling fallback, so the relay sees one transport and the CSP one scheme pair.
    socketFactory: (url) =>
      io(url, {
        transports: ['websocket'],
        autoConnect: false,
        reconnection: true,
      }) as unknown as RelaySocket,
    fetch: windowFetch,
    ...(wrtc === undefined ? {} : { wrtc }),
  };
}
