import { FILES_FOLDER, type FromSinkWorker, type ToSinkWorker } from './messages.js';

/*
 * The file-sink worker's work, apart from the worker's global scope (sink-worker.dom.ts) so a test can serve
 * it over a MessagePort. A received file is written through a FileSystemSyncAccessHandle: at any offset,
 * durable at each flush(), unlike a createWritable() stream, whose bytes a reload throws away unless it was
 * closed. Sync access handles exist only in dedicated workers, hence the worker. The DOM library does not
 * type them: these are the parts used.
 */

export interface SyncAccessHandleLike {
  write(buffer: Uint8Array, options: { at: number }): number;
  flush(): void;
  truncate(size: number): void;
  close(): void;
}

export interface SyncFileHandleLike {
  createSyncAccessHandle?(): Promise<SyncAccessHandleLike>;
}

export interface SyncDirectoryLike {
  getDirectoryHandle(name: string, options: { create: boolean }): Promise<SyncDirectoryLike>;
  getFileHandle(name: string, options: { create: boolean }): Promise<SyncFileHandleLike>;
  removeEntry(name: string): Promise<void>;
}

export interface SinkPort {
  onmessage: ((event: { data: ToSinkWorker }) => void) | null;
  postMessage(message: FromSinkWorker): void;
}

/** After a reload the old page's worker may hold the file's handle for a moment: tries before giving up. */
const OPEN_TRIES = 50;
const OPEN_RETRY_MS = 100;
const PROBE_FILE = '.sync-access-probe';

interface OpenSink {
  readonly name: string;
  readonly access: SyncAccessHandleLike;
}

/**
 * Answers `port`'s requests one at a time, in order, on the files folder of `root()` (the OPFS root;
 * undefined where the browser has none).
 */
export function serveFileSinks(port: SinkPort, root: () => Promise<SyncDirectoryLike | undefined>): void {
  const sinks = new Map<number, OpenSink>();
  let folder: Promise<SyncDirectoryLike | undefined> | undefined;
  const files = () => {
    folder ??= root().then((dir) => dir?.getDirectoryHandle(FILES_FOLDER, { create: true }));
    return folder;
  };
  const opened = (sink: number): OpenSink => {
    const open = sinks.get(sink);
    if (open === undefined) throw new Error(`file sink ${sink} is not open`);
    return open;
  };
  const handlers: { [T in ToSinkWorker['type']]: (message: Extract<ToSinkWorker, { type: T }>) => unknown } =
    {
      probe: async () => {
        const dir = await files();
        if (dir === undefined) return false;
        const handle = await dir.getFileHandle(PROBE_FILE, { create: true });
        try {
          if (typeof handle.createSyncAccessHandle !== 'function') return false;
          (await handle.createSyncAccessHandle()).close();
          return true;
        } finally {
          await dir.removeEntry(PROBE_FILE).catch(() => undefined);
        }
      },
      open: async ({ sink, name, keep }) => {
        const dir = await files();
        if (dir === undefined) throw new Error('this browser has no private file system');
        // A sink this worker still holds for the same file belongs to a client that closed mid-transfer (the
        // person locked the app): the engine opens a file again only to resume it, so the old one goes.
        for (const [id, open] of sinks)
          if (open.name === name) {
            sinks.delete(id);
            open.access.close();
          }
        const access = await openAccess(await dir.getFileHandle(name, { create: true }));
        if (!keep) access.truncate(0);
        sinks.set(sink, { name, access });
      },
      write: ({ sink, offset, bytes }) => {
        const { access } = opened(sink);
        let done = 0;
        while (done < bytes.length) {
          const wrote = access.write(bytes.subarray(done), { at: offset + done });
          if (wrote <= 0) throw new Error(`could not write at ${offset + done}`);
          done += wrote;
        }
      },
      flush: ({ sink }) => opened(sink).access.flush(),
      close: ({ sink }) => {
        const { access } = opened(sink);
        sinks.delete(sink);
        access.flush();
        access.close();
      },
      abort: async ({ sink }) => {
        const open = sinks.get(sink);
        if (open === undefined) return;
        sinks.delete(sink);
        open.access.close();
        await (await files())?.removeEntry(open.name).catch(() => undefined);
      },
    };
  let queue: Promise<void> = Promise.resolve();
  port.onmessage = ({ data }) => {
    queue = queue.then(async () => {
      try {
        const handler = handlers[data.type] as (message: ToSinkWorker) => unknown;
        const value = await handler(data);
        port.postMessage({
          request: data.request,
          ok: true,
          ...(typeof value === 'boolean' ? { value } : {}),
        });
      } catch (error) {
        port.postMessage({
          request: data.request,
          ok: false,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    });
  };
}

/** A sync access handle is exclusive: the previous page's worker may still hold it just after a reload. */
async function openAccess(handle: SyncFileHandleLike): Promise<SyncAccessHandleLike> {
  if (typeof handle.createSyncAccessHandle !== 'function')
    throw new Error('this browser cannot write files from a worker');
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await handle.createSyncAccessHandle();
    } catch (error) {
      const busy = error instanceof Error && error.name === 'NoModificationAllowedError';
      if (!busy || attempt >= OPEN_TRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, OPEN_RETRY_MS));
    }
  }
}
