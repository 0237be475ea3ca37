import { io } from 'socket.io-client';
import { webWorkerCrypto } from './attachment-opener.dom.js';
import { storedFileOpener } from './received-files.dom.js';
import { testAttachmentCryptoInline } from './test-options.dom.js';
import { windowFetch } from './window-fetch.dom.js';
import type {
  AttachmentOpener,
  AttachmentSealer,
  FetchLike,
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
  /** Received files are decrypted on a Web Worker, off the thread that draws the screen (one per client). */
  readonly attachmentOpener?: () => AttachmentOpener;
  /** Sent files are encrypted on the same Web Worker. */
  readonly attachmentSealer?: () => AttachmentSealer;
  /** This device's copies of its files (OPFS), served to our linked devices that moved the history. */
  readonly storedFile?: StoredFileOpener;
}

export function browserPlatform(): BrowserPlatform {
  const wrtc: WebRtcImplementation | undefined =
    typeof RTCPeerConnection === 'function'
      ? { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate }
      : undefined;
  const storedFile = storedFileOpener();
  return {
    // Without the worker (or with the bench's inline option) the engine seals and opens on this thread.
    ...(typeof Worker === 'function' && !testAttachmentCryptoInline() ? webWorkerCrypto() : {}),
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
