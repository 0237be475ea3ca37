import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import {
  deserializeAttachmentKeys,
  type AttachmentOpener,
  type AttachmentSealer,
  type ProtocolAddress,
} from '../../crypto/index.js';
import type { Content } from '../messaging/content.js';
import type { FileInfo } from './file-records.js';
import type { ParleyClientOptions } from '../options.js';
import {
  memorySinkFactory,
  sharedMemorySinkFactory,
  type FileSinkFactory,
  type FileSource,
  type FileSourceOpener,
} from './file-io.js';

// What sending and receiving files share (FileManager one-to-one, GroupFiles to groups, the FilesService).

export interface FileExtras {
  readonly caption?: string;
  /** A small preview (JPEG/WebP) of an image or video, sent inside the message. */
  readonly thumbnail?: Uint8Array;
  /** Voice messages: length and a waveform of up to 256 levels in [0, 1]. */
  readonly voice?: { readonly durationMs: number; readonly waveform: readonly number[] };
}

/** A file to send: bytes in memory (small payloads), or a platform FileSource read a chunk at a time. */
export type OutgoingFile = FileExtras &
  (
    | { readonly name: string; readonly mimeType: string; readonly bytes: Uint8Array }
    | { readonly source: FileSource }
  );

export interface QueueFileMessage {
  (
    options: {
      id: string;
      conversationId: string;
      recipient: ProtocolAddress;
      body: Content['body'];
      text: string;
    },
    handed?: () => void,
  ): Promise<string>;
}

/** What a file message carries beside the file itself: caption, thumbnail and voice metadata. */
export function fileBodyExtras(file: FileExtras): Pick<FileBody, 'caption' | 'thumbnail' | 'voice'> {
  return {
    ...(file.caption === undefined ? {} : { caption: file.caption }),
    ...(file.thumbnail === undefined ? {} : { thumbnail: toBase64Url(file.thumbnail) }),
    ...(file.voice === undefined
      ? {}
      : { voice: { durationMs: file.voice.durationMs, waveform: [...file.voice.waveform] } }),
  };
}

/** The record of a file this device starts sending (FileRecords), before its first progress event. */
export function outgoingFileInfo(messageId: string, source: FileSource, file: FileExtras): FileInfo {
  return {
    messageId,
    direction: 'send',
    name: source.name,
    mimeType: source.mimeType,
    size: source.size,
    ...(file.caption === undefined ? {} : { caption: file.caption }),
    ...(file.thumbnail === undefined ? {} : { thumbnail: file.thumbnail }),
    ...(file.voice === undefined ? {} : { voice: file.voice }),
    state: 'transferring',
  };
}

/** The record of a file this device starts receiving (FileRecords), as its message announced it. */
export function receivedFileInfo(messageId: string, body: FileBody): FileInfo {
  const size = (() => {
    try {
      return deserializeAttachmentKeys(body.descriptor).size;
    } catch {
      return 0; // #receive refuses it with a clear reason
    }
  })();
  return {
    messageId,
    direction: 'receive',
    name: body.name,
    mimeType: body.mimeType,
    size,
    ...(body.caption === undefined ? {} : { caption: body.caption }),
    ...(body.thumbnail === undefined ? {} : { thumbnail: fromBase64Url(body.thumbnail) }),
    ...(body.voice === undefined ? {} : { voice: body.voice }),
    state: 'transferring',
  };
}

/** The default largest file sent or accepted: 4 GiB (`maxFileBytes` in the client options). */
export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024 * 1024;

export interface FileOptions {
  /** Opens where a received file goes; by default memory (MemoryFileSink), for small files. */
  readonly sink: FileSinkFactory;
  readonly maxBytes: number;
  /** Opens a file being sent again after a restart (files/node-file.node.ts: reopenFileSource). */
  readonly reopen?: FileSourceOpener;
  /** Decrypts received chunks on another thread (the client's `attachmentOpener`, started on first use). */
  readonly opener?: AttachmentOpener;
  /** Encrypts sent chunks on another thread (the client's `attachmentSealer`, started on first use). */
  readonly sealer?: AttachmentSealer;
}

export type FileBody = Extract<Content['body'], { type: 'file' }>;

/** The file options a client was started with, with their defaults. */
export function fileOptions(
  options: ParleyClientOptions,
  opener?: AttachmentOpener,
  sealer?: AttachmentSealer,
): FileOptions {
  return {
    // An opener on a thread that shares memory decrypts straight into a shared in-memory sink.
    sink: options.fileSink ?? (opener?.sharedMemory === true ? sharedMemorySinkFactory : memorySinkFactory),
    maxBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    ...(options.reopenFileSource === undefined ? {} : { reopen: options.reopenFileSource }),
    ...(opener === undefined ? {} : { opener }),
    ...(sealer === undefined ? {} : { sealer }),
  };
}
