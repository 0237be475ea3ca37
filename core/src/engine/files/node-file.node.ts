/// <reference types="node" />
import { open, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { FileSink, FileSinkFactory, FileSource } from './file-io.js';

/** A file on disk as a FileSource; `close` the handle when the transfer is done. */
export async function openFileSource(
  path: string,
  options: { name?: string; mimeType?: string } = {},
): Promise<FileSource & { close(): Promise<void> }> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  return {
    size,
    name: options.name ?? basename(path),
    mimeType: options.mimeType ?? 'application/octet-stream',
    read: async (offset, length) => {
      const bytes = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(bytes, done, length - done, offset + done);
        if (bytesRead === 0) throw new Error(`${path} ended at ${offset + done}`);
        done += bytesRead;
      }
      return bytes;
    },
    close: () => handle.close(),
  };
}

/** Writes a received file to `path`; an aborted file is removed. */
export async function createFileSink(path: string): Promise<FileSink> {
  const handle = await open(path, 'w');
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    write: async (offset, bytes) => {
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, offset + done);
        done += bytesWritten;
      }
    },
    finish: close,
    abort: async () => {
      await close();
      await rm(path, { force: true });
    },
  };
}

/** Received files go to `directory`, named `<messageId>-<name>` (the name reduced to a safe base name). */
export function directorySinkFactory(directory: string): FileSinkFactory {
  return ({ messageId, name }) =>
    createFileSink(join(directory, `${messageId}-${basename(name).replace(/[^\w.-]/g, '_')}`));
}
