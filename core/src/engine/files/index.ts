// files/: attachments one-to-one (over the direct link's transfer channel, or the relay when the peer is
// offline) and to groups (one relay upload), with their records, sinks and sources. It sends the announcing
// message through messaging/'s outbox and never opens links or relays itself.
export { FilesService } from './files-service.js';
export { DEFAULT_MAX_FILE_BYTES, type OutgoingFile } from './types.js';
export {
  MAX_MEMORY_SINK_BYTES,
  MemoryFileSink,
  bytesSource,
  memorySinkFactory,
  sharedMemorySinkFactory,
  type FileSink,
  type FileSinkFactory,
  type FileSource,
  type FileSourceDescriptor,
  type FileSourceOpener,
  type IncomingFile,
  type StoredFileOpener,
} from './file-io.js';
export { blobSource, type BlobLike } from './blob-file.dom.js';
export type { FileInfo, FileTransferState } from './file-records.js';
export {
  directoryHandleSinkFactory,
  openDirectoryFileSink,
  storedFileName,
  type DirectoryHandleLike,
} from './opfs-file.dom.js';
