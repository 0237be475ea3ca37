import type { FileSinkFactory } from '@parley/core';
import { SinkWorkerClient, resumableOr, type SinkWorkerPort } from './sink-client.js';

/** The session waits for the probe before it starts: a worker that never answers must not hold it up. */
const PROBE_PATIENCE_MS = 10_000;

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
  let timer: ReturnType<typeof setTimeout> | undefined;
  const { factory, resumable } = await Promise.race([
    resumableOr(new SinkWorkerClient(worker as unknown as SinkWorkerPort), fallback),
    new Promise<{ factory: FileSinkFactory; resumable: false }>((resolve) => {
      timer = setTimeout(() => resolve({ factory: fallback(), resumable: false }), PROBE_PATIENCE_MS);
    }),
  ]);
  clearTimeout(timer);
  if (!resumable) worker.terminate();
  return factory;
}
