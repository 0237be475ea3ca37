import {
  blobSource,
  directoryHandleSinkFactory,
  storedFileName,
  type DirectoryHandleLike,
  type FileSinkFactory,
  type StoredFileOpener,
} from '@parley/core';
import { FILES_FOLDER } from './file-sink/messages.js';
import { workerSinkFactory } from './file-sink/worker-sinks.dom.js';

/*
 * Files live in the Origin Private File System, one entry per message id, in one folder: the engine writes
 * received files there a chunk at a time (so a 2 GB file never sits in memory), and the UI copies what this
 * device sent there too, so every file shows again after a restart. A file arriving is written by a worker
 * through a sync access handle (file-sink/), flushed before each checkpoint, so a transfer cut by a reload
 * resumes; where the browser has no sync access handles, through a writable stream, which keeps nothing
 * until closed, so such a transfer starts again from its first byte. Without OPFS the engine's in-memory
 * sink is used (files up to 64 MiB, gone on restart).
 */

export function hasFileStorage(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
}

let folder: Promise<FileSystemDirectoryHandle> | undefined;

export function filesFolder(): Promise<FileSystemDirectoryHandle> {
  folder ??= navigator.storage
    .getDirectory()
    .then((root) => root.getDirectoryHandle(FILES_FOLDER, { create: true }));
  return folder;
}

let sinks: Promise<FileSinkFactory> | undefined;

/** Where received files go (one worker for the page's life, whichever session runs), or undefined: memory. */
export function receivedFileSink(): Promise<FileSinkFactory | undefined> {
  if (!hasFileStorage()) return Promise.resolve(undefined);
  sinks ??= workerSinkFactory(() =>
    directoryHandleSinkFactory(async () => (await filesFolder()) as unknown as DirectoryHandleLike),
  );
  return sinks;
}

/** The stored file of a message, or undefined if this device has none (yet). */
export async function storedFile(messageId: string): Promise<File | undefined> {
  if (!hasFileStorage()) return undefined;
  try {
    const handle = await (await filesFolder()).getFileHandle(storedFileName(messageId));
    const file = await handle.getFile();
    return file;
  } catch {
    return undefined;
  }
}

/** Keeps a copy of a file this device sent, streamed (never whole in memory). */
export async function storeFile(messageId: string, blob: Blob): Promise<void> {
  if (!hasFileStorage()) return;
  const handle = await (await filesFolder()).getFileHandle(storedFileName(messageId), { create: true });
  const writable = await handle.createWritable({ keepExistingData: false });
  await blob.stream().pipeTo(writable);
}

/**
 * The engine's `storedFile`: this device's copy of a message's file, read a slice at a time, for our linked
 * devices that fetch a moved history's photos and files from here (client.linking.fetchFile there).
 */
export function storedFileOpener(): StoredFileOpener | undefined {
  if (!hasFileStorage()) return undefined;
  return async ({ messageId, name, mimeType, size }) => {
    const file = await storedFile(messageId);
    if (file === undefined || file.size !== size) return undefined;
    return { ...blobSource(file, name), mimeType };
  };
}
