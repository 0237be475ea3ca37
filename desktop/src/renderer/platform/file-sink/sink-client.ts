import { storedFileName, type FileSink, type FileSinkFactory } from '@parley/core';
import type { FromSinkWorker, ToSinkWorker } from './messages.js';

/*
 * The page's side of the file-sink worker (sink-server.ts): a FileSink per received file whose writes go to
 * the worker without waiting for each answer (at most WRITES_IN_FLIGHT unanswered, so a slow disk holds the
 * transfer back instead of filling memory), and whose flush() resolves once every write before it is
 * durable, which is what the engine waits for before it saves a checkpoint.
 */

export interface SinkWorkerPort {
  onmessage: ((event: { data: FromSinkWorker }) => void) | null;
  onerror?: ((event: unknown) => void) | null;
  postMessage(message: ToSinkWorker, transfer?: Transferable[]): void;
}

type Request = ToSinkWorker extends infer M ? (M extends ToSinkWorker ? Omit<M, 'request'> : never) : never;

/** Writes (of 64 KiB attachment chunks) sent to the worker and not yet answered: 4 MiB. */
const WRITES_IN_FLIGHT = 64;

export class SinkWorkerClient {
  readonly #port: SinkWorkerPort;
  readonly #waiting = new Map<
    number,
    { resolve: (value?: boolean) => void; reject: (error: Error) => void }
  >();
  #nextRequest = 0;
  #nextSink = 0;
  #broken: Error | undefined;

  constructor(port: SinkWorkerPort) {
    this.#port = port;
    port.onmessage = ({ data }) => {
      const waiting = this.#waiting.get(data.request);
      this.#waiting.delete(data.request);
      if (data.ok) waiting?.resolve(data.value);
      else waiting?.reject(new Error(data.error));
    };
    // A worker that cannot start (or dies) answers nothing more: everything waiting fails with that.
    port.onerror = () => {
      this.#broken = new Error('the file worker stopped');
      for (const waiting of this.#waiting.values()) waiting.reject(this.#broken);
      this.#waiting.clear();
    };
  }

  /** Whether the worker can write files with sync access handles; false if it cannot even start. */
  async probe(): Promise<boolean> {
    try {
      return (await this.request({ type: 'probe' })) === true;
    } catch {
      return false;
    }
  }

  request(message: Request, transfer: Transferable[] = []): Promise<boolean | undefined> {
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    const request = this.#nextRequest++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(request, { resolve, reject });
      this.#port.postMessage({ ...message, request } as ToSinkWorker, transfer);
    });
  }

  /** Opens OPFS file `name` for writing; `keep` keeps what an earlier run wrote (a resumed transfer). */
  async open(name: string, keep: boolean): Promise<FileSink> {
    const sink = this.#nextSink++;
    await this.request({ type: 'open', sink, name, keep });
    return new WorkerFileSink(this, sink);
  }

  /** Received files in the worker's OPFS folder, under storedFileName(messageId), resumable after a reload. */
  factory(): FileSinkFactory {
    const factory = ({ messageId, resume }: { messageId: string; resume?: boolean }) =>
      this.open(storedFileName(messageId), resume === true);
    return Object.assign(factory, { resumes: true });
  }
}

/**
 * The worker's resumable sinks if it can write with sync access handles; otherwise `fallback()`, whose
 * transfers cut by a reload start again from their first byte (the engine asks a factory without `resumes`
 * for no resume).
 */
export async function resumableOr(
  client: SinkWorkerClient,
  fallback: () => FileSinkFactory,
): Promise<{ readonly factory: FileSinkFactory; readonly resumable: boolean }> {
  if (await client.probe()) return { factory: client.factory(), resumable: true };
  return { factory: fallback(), resumable: false };
}

class WorkerFileSink implements FileSink {
  readonly #inFlight: Promise<unknown>[] = [];
  #failure: unknown;
  #closed = false;

  constructor(
    private readonly worker: SinkWorkerClient,
    private readonly sink: number,
  ) {}

  async write(offset: number, bytes: Uint8Array): Promise<void> {
    this.#check();
    // A copy of its own, moved to the worker: `bytes` may be a view of a larger buffer the engine reuses.
    const copy = bytes.slice();
    const written = this.worker
      .request({ type: 'write', sink: this.sink, offset, bytes: copy }, [copy.buffer])
      .catch((error: unknown) => {
        this.#failure ??= error;
      });
    this.#inFlight.push(written);
    if (this.#inFlight.length > WRITES_IN_FLIGHT) await this.#inFlight.shift();
    this.#check();
  }

  async flush(): Promise<void> {
    if (this.#closed) return; // finish() flushed, or abort() removed it: nothing left to make durable
    await this.worker.request({ type: 'flush', sink: this.sink });
    this.#settled();
  }

  async finish(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.worker.request({ type: 'close', sink: this.sink });
    this.#settled();
  }

  async abort(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.worker.request({ type: 'abort', sink: this.sink }).catch(() => undefined);
  }

  /** Answers come in order: once a later request was answered, every write before it was too. */
  #settled(): void {
    this.#inFlight.length = 0;
    this.#check();
  }

  #check(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }
}
