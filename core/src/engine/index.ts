/**
 * The messaging engine: ParleyClient and what an application needs to drive it. Everything else under
 * engine/ is internal.
 */
export { ParleyClient } from './parley-client.js';
export type { EngineTuning, ParleyClientOptions } from './options.js';
export type { ParleyClientEvents, StatusUpdate } from './events.js';
export { formatContactLink, parseContactLink, type ContactLink } from './contact-link.js';
export type { ContactLinkPreview } from './trust/contact-links.js';
export { displayText } from './trust/display-text.js';
export type { Route } from './direct-links.js';
export type { GroupState } from './content.js';
export { GroupManager } from './group-manager.js';
export {
  groupChangeBetween,
  groupChangeMessageId,
  groupChangeOf,
  type GroupChange,
} from './group-changes.js';
export { StatusManager, STATUS_LIFETIME_MS } from './status-manager.js';
export { InMemoryEngineStateStore, type EngineStateStore } from './state-store.js';
export type { Reaction } from './reactions.js';
export type { RetryPolicy } from './outbox-pump.js';
export { DEFAULT_MAX_FILE_BYTES, type OutgoingFile } from './files.js';
export {
  MAX_MEMORY_SINK_BYTES,
  MemoryFileSink,
  bytesSource,
  memorySinkFactory,
  type FileSink,
  type FileSinkFactory,
  type FileSource,
  type FileSourceDescriptor,
  type FileSourceOpener,
  type IncomingFile,
} from './files/file-io.js';
export { blobSource, type BlobLike } from './files/blob-file.dom.js';
export type { FileInfo, FileTransferState } from './files/file-records.js';
export {
  directoryHandleSinkFactory,
  openDirectoryFileSink,
  storedFileName,
  type DirectoryHandleLike,
} from './files/opfs-file.dom.js';
export {
  systemTimers,
  type EngineTimers,
  type FetchLike,
  type RelaySocket,
  type SocketFactory,
} from './platform.js';
export {
  ACCESS_ERROR_CODES,
  fetchRelayInfo,
  isAccessError,
  requestOneTimeCode,
  type AccessPolicy,
  type OneTimeCodeRequest,
  type OtpAddress,
  type RelayAccess,
  type RelayInfo,
} from './relay-access.js';
export { MAX_AVATAR_BYTES, MAX_DISPLAY_NAME_LENGTH, type Profile } from './profile.js';
export type { ConversationSummary, MessageKind, MessagePreview, SearchHit } from './conversation-list.js';
export type { SafetyNumberView, VerificationState } from './verification.js';
export {
  MAX_DISAPPEARING_TIMER_MS,
  type PresenceVisibility,
  type PrivacySettings,
} from './privacy-settings.js';
export { BACKUP_FORMAT_VERSION, MIN_BACKUP_PASSPHRASE_LENGTH, type BackupCrypto } from './backup.js';
