import {
  blobSource,
  directoryHandleSinkFactory,
  storedFileName,
  type DirectoryHandleLike,
  type FileSinkFactory,
  type StoredFileOpener,
} from '@parley/core';

/*
 * Files live in the Origin Private File System, one entry per message id, in one folder: the engine writes
 * received files there a chunk at a time (so a 2 GB file never sits in memory), and the UI copies what this
 * device sent there too, so every file shows again after a restart. Without OPFS the engine's in-memory sink
 * is used (files up to 64 MiB, gone on restart).
 */

const FOLDER = 'parley-files';

export function hasFileStorage(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
}

let folder: Promise<FileSystemDirectoryHandle> | undefined;

export function filesFolder(): Promise<FileSystemDirectoryHandle> {
  folder ??= navigator.storage
    .getDirectory()
    .then((root) => root.getDirectoryHandle(FOLDER, { create: true }));
  return folder;
}

export function receivedFileSink(): FileSinkFactory | undefined {
  if (!hasFileStorage()) return undefined;
  return directoryHandleSinkFactory(async () => (await filesFolder()) as unknown as DirectoryHandleLike);
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
