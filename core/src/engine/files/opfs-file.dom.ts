import type { FileSink, FileSinkFactory } from './file-io.js';

/*
 * Received files in the browser's Origin Private File System: written a chunk at a time at their offset, so a
 * file of gigabytes never sits in memory, and kept across restarts under the message's id. Core is compiled
 * without the DOM library: these are the parts of FileSystemDirectoryHandle / FileSystemFileHandle /
 * FileSystemWritableFileStream used here.
 */

export interface WritableFileLike {
  write(command: { type: 'write'; position: number; data: Uint8Array }): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

export interface FileHandleLike {
  createWritable(options?: { keepExistingData?: boolean }): Promise<WritableFileLike>;
}

export interface DirectoryHandleLike {
  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileHandleLike>;
  removeEntry(name: string): Promise<void>;
}

/** The entry a message's file is kept under: the id, reduced to characters every file system accepts. */
export function storedFileName(messageId: string): string {
  const safe = messageId.replace(/[^A-Za-z0-9_-]/g, '_');
  return safe === '' ? '_' : safe;
}

/** A FileSink writing one file of `directory`; `finish` commits it, `abort` removes it. */
export async function openDirectoryFileSink(directory: DirectoryHandleLike, name: string): Promise<FileSink> {
  const handle = await directory.getFileHandle(name, { create: true });
  const writable = await handle.createWritable({ keepExistingData: false });
  let closed = false;
  return {
    write: (offset, bytes) => writable.write({ type: 'write', position: offset, data: bytes }),
    finish: async () => {
      if (closed) return;
      closed = true;
      await writable.close();
    },
    abort: async () => {
      if (!closed) {
        closed = true;
        await writable.abort().catch(() => undefined);
      }
      await directory.removeEntry(name).catch(() => undefined);
    },
  };
}

/** Received files go to `directory()` (opened once, on the first file), each under storedFileName(messageId). */
export function directoryHandleSinkFactory(directory: () => Promise<DirectoryHandleLike>): FileSinkFactory {
  let opened: Promise<DirectoryHandleLike> | undefined;
  return async ({ messageId }) => {
    opened ??= directory();
    return openDirectoryFileSink(await opened, storedFileName(messageId));
  };
}
