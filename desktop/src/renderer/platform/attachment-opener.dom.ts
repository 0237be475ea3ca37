import {
  channelCalls,
  channelOpener,
  channelSealer,
  sharedCalls,
  type AttachmentOpener,
  type AttachmentSealer,
} from '@parley/core';

/**
 * Files are decrypted and encrypted on one Web Worker (attachment-worker.dom.ts), off the thread that draws
 * the screen: a fresh pair of factories per client, which starts the worker at the first batch of the first
 * file sent or received and terminates it once the client closed both.
 */
export function webWorkerCrypto(): {
  attachmentOpener: () => AttachmentOpener;
  attachmentSealer: () => AttachmentSealer;
} {
  const lease = sharedCalls(() => {
    const worker = new Worker(new URL('./attachment-worker.dom.ts', import.meta.url), {
      type: 'module',
      name: 'parley-attachment-crypto',
    });
    return channelCalls({
      postMessage: (message, transfer) => worker.postMessage(message, transfer),
      onMessage: (listener) => worker.addEventListener('message', ({ data }: MessageEvent) => listener(data)),
      onError: (listener) => {
        worker.addEventListener('error', (event) => listener(event.error ?? event.message));
        worker.addEventListener('messageerror', (event) => listener(event));
      },
      terminate: () => worker.terminate(),
    });
  });
  return {
    attachmentOpener: () => channelOpener(lease()),
    attachmentSealer: () => channelSealer(lease()),
  };
}
