import { channelOpener, type AttachmentOpener } from '@parley/core';

/**
 * Received files are decrypted on a Web Worker (attachment-worker.dom.ts): the client starts it at the
 * first batch of the first file it receives and terminates it when it closes.
 */
export function webWorkerOpener(): AttachmentOpener {
  const worker = new Worker(new URL('./attachment-worker.dom.ts', import.meta.url), {
    type: 'module',
    name: 'parley-attachment-opener',
  });
  return channelOpener({
    postMessage: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (listener) => worker.addEventListener('message', ({ data }: MessageEvent) => listener(data)),
    onError: (listener) => {
      worker.addEventListener('error', (event) => listener(event.error ?? event.message));
      worker.addEventListener('messageerror', (event) => listener(event));
    },
    terminate: () => worker.terminate(),
  });
}
