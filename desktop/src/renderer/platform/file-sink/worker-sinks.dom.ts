import type { FileSinkFactory } from '@parley/core';
import { SinkWorkerClient, resumableOr, type SinkWorkerPort } from './sink-client.js';

/**
 * Received files written by the file-sink worker through sync access handles, so a transfer cut by a reload
 * resumes from its checkpoint; where the browser cannot (no sync access handles, or no worker), `fallback()`.
 */
export async function workerSinkFactory(fallback: () => FileSinkFactory): Promise<FileSinkFactory> {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./sink-worker.dom.ts', import.meta.url), { type: 'module' });
  } catch {
    return fallback();
  }
  const { factory, resumable } = await resumableOr(
    new SinkWorkerClient(worker as unknown as SinkWorkerPort),
    fallback,
  );
  if (!resumable) worker.terminate();
  return factory;
}
