import { useEffect, useState } from 'react';
import { blobSource, type FileInfo, type ParleyClient } from '@parley/core';
import { useAsync, useClient, useClientEvent, useClientVersion } from '../../app/client-context.js';
import { storeFile, storedFile } from '../../platform/received-files.dom.js';
import { makeThumbnail } from './media-capture.dom.js';

/*
 * Where the bytes of a file message are: what this device sent or received in this session (kept here as
 * Blobs: a chosen File is backed by the disk, not memory), else the copy in the Origin Private File System.
 */
const sessionFiles = new WeakMap<ParleyClient, Map<string, Blob>>();

function filesOf(client: ParleyClient): Map<string, Blob> {
  let files = sessionFiles.get(client);
  if (files === undefined) sessionFiles.set(client, (files = new Map()));
  return files;
}

export function keepFile(client: ParleyClient, messageId: string, blob: Blob): void {
  filesOf(client).set(messageId, blob);
}

/** The file's bytes as a Blob, once they are all on this device. */
export async function fileBlob(client: ParleyClient, info: FileInfo): Promise<Blob | undefined> {
  const kept = filesOf(client).get(info.messageId);
  if (kept !== undefined) return kept;
  if (info.direction === 'receive' && info.state !== 'complete') return undefined;
  const stored = await storedFile(info.messageId);
  // A copy still being written (or an empty entry) is not the file.
  return stored !== undefined && stored.size === info.size ? stored : undefined;
}

/**
 * Sends each file (with a thumbnail for images and videos; the caption goes with the first). Resolves once
 * each message shows: a relay upload goes on behind its bubble (progress, cancel), and its failure shows there.
 */
export async function sendFiles(
  client: ParleyClient,
  conversationId: string,
  files: readonly File[],
  caption: string,
): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, file] of files.entries()) {
    const thumbnail = await makeThumbnail(file);
    const text = index === 0 ? caption.trim() : '';
    const { messageId, uploaded } = await client.files.start(conversationId, {
      source: blobSource(file, file.name),
      ...(text === '' ? {} : { caption: text }),
      ...(thumbnail === undefined ? {} : { thumbnail }),
    });
    void uploaded.catch(() => undefined); // the bubble shows it failed or was cancelled
    keepFile(client, messageId, file);
    void storeFile(messageId, file).catch(() => undefined); // shown from memory until the next restart
    ids.push(messageId);
  }
  return ids;
}

const FILE_EVENTS = [
  'file',
  'file-sent',
  'file-failed',
  'file-offered',
  'file-cancelled',
  'file-retried',
] as const;

/** What a file message is, re-read when a file event arrives. */
export function useFileInfo(messageId: string): FileInfo | undefined {
  const client = useClient();
  const version = useClientVersion(FILE_EVENTS);
  return useAsync(() => client.files.info(messageId), [client, messageId, version]).value;
}

/** An object URL for the file's bytes while mounted, once they are here. */
export function useFileUrl(info: FileInfo | undefined): string | undefined {
  const client = useClient();
  const [url, setUrl] = useState<string | undefined>();
  const ready = info !== undefined && (info.direction === 'send' || info.state === 'complete');
  const messageId = info?.messageId;
  const fetched = useMovedFile(messageId);
  useEffect(() => {
    if (!ready || info === undefined) return;
    let live = true;
    let made: string | undefined;
    void fileBlob(client, info).then((blob) => {
      if (!live || blob === undefined) return;
      made = URL.createObjectURL(blob);
      setUrl(made);
    });
    return () => {
      live = false;
      if (made !== undefined) URL.revokeObjectURL(made);
      setUrl(undefined);
    };
    // info changes identity on every re-read; what matters is which message and whether it is ready
  }, [client, messageId, ready, fetched]);
  return url;
}

/**
 * On a linked device, a photo or file of the moved history has its record here but its bytes on the
 * device that linked this one (client.linking.movedFile): shown, it is fetched from there. Counts up when
 * the bytes arrived, so the caller reads the file again. An offline device leaves it for the next showing.
 */
function useMovedFile(messageId: string | undefined): number {
  const client = useClient();
  const [fetched, setFetched] = useState(0);
  useEffect(() => {
    if (messageId === undefined) return undefined;
    let live = true;
    void (async () => {
      const moved = await client.linking.movedFile(messageId);
      if (moved === undefined || moved.state === 'fetching') return;
      await client.linking.fetchFile(messageId);
      if (live) setFetched((n) => n + 1);
    })().catch(() => undefined); // offline or refused: the thumbnail stays, and the next showing tries again
    return () => {
      live = false;
    };
  }, [client, messageId]);
  return fetched;
}

/** An object URL for a thumbnail carried in the message. */
export function useThumbnailUrl(thumbnail: Uint8Array | undefined): string | undefined {
  const [url, setUrl] = useState<string | undefined>();
  const key = thumbnail === undefined ? '' : `${thumbnail.length}:${thumbnail.slice(0, 32).join(',')}`;
  useEffect(() => {
    if (thumbnail === undefined) return;
    const made = URL.createObjectURL(
      new Blob([thumbnail as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }),
    );
    setUrl(made);
    return () => {
      URL.revokeObjectURL(made);
      setUrl(undefined);
    };
  }, [key]);
  return url;
}

/** The latest progress of this message's transfer, while it moves. */
export function useTransferProgress(messageId: string): { bytes: number; total: number } | undefined {
  const [progress, setProgress] = useState<{ bytes: number; total: number } | undefined>();
  useClientEvent('file-progress', (event) => {
    if (event.messageId === messageId) setProgress({ bytes: event.bytes, total: event.total });
  });
  return progress;
}

/** Keeps in this session the bytes the in-memory sink received (only when there is no OPFS). */
export function MemoryFilesService() {
  const client = useClient();
  useClientEvent('file', (event) => {
    if (event.bytes !== undefined)
      keepFile(
        client,
        event.messageId,
        new Blob([event.bytes as Uint8Array<ArrayBuffer>], { type: event.mimeType }),
      );
  });
  return null;
}

/** Saves the file with the browser's download (the name is the sender's; the browser makes it safe). */
export function saveAs(url: string, name: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}
