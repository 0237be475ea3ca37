import type { FileSinkFactory } from '@parley/core';
import { afterEach, describe, expect, it } from 'vitest';
import { SinkWorkerClient, resumableOr, type SinkWorkerPort } from './sink-client.js';
import { serveFileSinks, type SinkPort, type SyncDirectoryLike } from './sink-server.js';

// The page's client and the worker's server, joined by a real MessageChannel as a Worker joins them.
const channels: MessageChannel[] = [];
afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

function connect(root: () => Promise<SyncDirectoryLike | undefined>): SinkWorkerClient {
  const channel = new MessageChannel();
  channels.push(channel);
  serveFileSinks(channel.port2 as unknown as SinkPort, root);
  return new SinkWorkerClient(channel.port1 as unknown as SinkWorkerPort);
}

/** The sink a browser without sync access handles keeps: a writable stream, which cannot resume. */
const writableStreams: FileSinkFactory = () => {
  throw new Error('not opened in this test');
};

describe('received files in a browser without sync access handles', () => {
  it('go through the fallback sink, whose transfers cut by a reload start again from the first byte', async () => {
    // Node has no Origin Private File System at all, as a browser without one.
    const { factory, resumable } = await resumableOr(
      connect(async () => undefined),
      () => writableStreams,
    );
    expect(resumable).toBe(false);
    expect(factory).toBe(writableStreams);
    // The engine asks a factory that does not say `resumes` for no resume: the file comes from byte 0.
    expect(factory.resumes).not.toBe(true);
  });

  it('go through the fallback sink where OPFS files have no createSyncAccessHandle', async () => {
    const removed: string[] = [];
    // OPFS without sync access handles (the shape older browsers give a worker).
    const folder: SyncDirectoryLike = {
      getDirectoryHandle: async () => folder,
      getFileHandle: async () => ({}),
      removeEntry: async (name) => {
        removed.push(name);
      },
    };
    const { factory, resumable } = await resumableOr(
      connect(async () => folder),
      () => writableStreams,
    );
    expect(resumable).toBe(false);
    expect(factory.resumes).not.toBe(true);
    expect(removed).toEqual(['.sync-access-probe']); // the probe leaves nothing behind
  });

  it('go through the fallback sink when the worker cannot start', async () => {
    const port: SinkWorkerPort = {
      onmessage: null,
      onerror: null,
      postMessage() {
        // A worker whose script was refused: nothing answers, the error event says so.
        queueMicrotask(() => port.onerror?.(new Event('error')));
      },
    };
    const { factory, resumable } = await resumableOr(new SinkWorkerClient(port), () => writableStreams);
    expect(resumable).toBe(false);
    expect(factory).toBe(writableStreams);
  });
});
