/// <reference types="node" />
import { open, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ParleyError } from '../../errors/index.js';
import type {
  FileSink,
  FileSinkFactory,
  FileSource,
  FileSourceDescriptor,
  IncomingFile,
  StoredFileOpener,
} from './file-io.js';

const KIND = 'node-file';

/**
 * A file on disk as a FileSource; `close` the handle when the transfer is done. It carries a descriptor
 * (path, size, modification time) so a transfer of it survives an app restart: pass `reopenFileSource` as
 * the client's `reopenFileSource`.
 */
export async function openFileSource(
  path: string,
  options: { name?: string; mimeType?: string } = {},
): Promise<FileSource & { close(): Promise<void> }> {
  const handle = await open(path, 'r');
  const { size, mtimeMs } = await handle.stat();
  const name = options.name ?? basename(path);
  const mimeType = options.mimeType ?? 'application/octet-stream';
  return {
    size,
    name,
    mimeType,
    reopen: { kind: KIND, path: resolve(path), size, mtimeMs, name, mimeType },
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

/** Opens a file described by openFileSource again, refusing one that is gone or changed since. */
export async function reopenFileSource(descriptor: FileSourceDescriptor): Promise<FileSource> {
  const { kind, path, size, mtimeMs, name, mimeType } = descriptor;
  if (kind !== KIND || typeof path !== 'string' || typeof name !== 'string' || typeof mimeType !== 'string')
    throw new ParleyError('BAD_REQUEST', `not a file on this disk (${kind})`);
  let source: FileSource & { close(): Promise<void> };
  try {
    source = await openFileSource(path, { name, mimeType });
  } catch (error) {
    throw new ParleyError('NOT_FOUND', `the file to send is gone: ${name}`, { cause: error });
  }
  if (source.size !== size || source.reopen?.mtimeMs !== mtimeMs) {
    await source.close();
    throw new ParleyError('CONFLICT', `the file to send changed since it was sent: ${name}`);
  }
  return source;
}

/**
 * Writes a received file to `path`; an aborted file is removed. `keep`: open the file a previous run was
 * writing without emptying it, to resume after a restart.
 */
export async function createFileSink(path: string, options: { keep?: boolean } = {}): Promise<FileSink> {
  const handle = await open(path, options.keep === true ? 'r+' : 'w');
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

/** Where directorySinkFactory keeps a message's file: `<messageId>-<name>`, the name a safe base name. */
function storedPath(directory: string, messageId: string, name: string): string {
  return join(directory, `${messageId}-${basename(name).replace(/[^\w.-]/g, '_')}`);
}

/** Received files go to `directory`, named `<messageId>-<name>` (the name reduced to a safe base name). */
export function directorySinkFactory(directory: string): FileSinkFactory {
  const factory = ({ messageId, name, resume }: IncomingFile) =>
    createFileSink(storedPath(directory, messageId, name), { keep: resume === true });
  return Object.assign(factory, { resumes: true });
}

/**
 * The files directorySinkFactory(directory) wrote, read back (the client's `storedFile`): undefined for a
 * file that is not there, or not of the recorded size (cut short, or changed since).
 */
export function directoryStoredFile(directory: string): StoredFileOpener {
  return async ({ messageId, name, mimeType, size }) => {
    let source: FileSource & { close(): Promise<void> };
    try {
      source = await openFileSource(storedPath(directory, messageId, name), { name, mimeType });
    } catch {
      return undefined;
    }
    if (source.size === size) return source;
    await source.close();
    return undefined;
  };
}
