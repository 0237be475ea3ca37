export {
  AttachmentChunkSealer,
  AttachmentEncryptor,
  encryptAttachmentChunk,
  encryptAttachmentStream,
  type AttachmentEncryptOptions,
} from './encrypt.js';
export {
  AttachmentDecryptor,
  attachmentOffset,
  decryptAttachmentChunk,
  decryptAttachmentStream,
  type AttachmentCheckpoint,
  type PlaintextTarget,
} from './decrypt.js';
export { TagDigest } from './digest.js';
export {
  ATTACHMENT_HEADER_LENGTH,
  DEFAULT_CHUNK_SIZE,
  NONCE_PREFIX_LENGTH,
  deserializeAttachmentDescriptor,
  deserializeAttachmentKeys,
  encodeAttachmentHeader,
  serializeAttachmentDescriptor,
  serializeAttachmentKeys,
  type AttachmentDescriptor,
  type AttachmentKeys,
  type SerializedAttachmentDescriptor,
} from './format.js';
export { openAttachmentDigest, sealAttachmentDigest } from './trailer.js';
export {
  inlineOpener,
  lazyOpener,
  openBatchInPlace,
  type AttachmentOpener,
  type AttachmentOpenerFactory,
  type OpenBatch,
  type OpenedBatch,
} from './opener.js';
export { channelOpener } from './opener-port.js';
export {
  batchChunks,
  inlineSealer,
  lazySealer,
  sealBatch,
  sealedLength,
  type AttachmentSealer,
  type AttachmentSealerFactory,
  type SealBatch,
  type SealedBatch,
} from './sealer.js';
export { channelSealer } from './sealer-port.js';
export {
  channelCalls,
  serveAttachmentWorker,
  sharedCalls,
  type AttachmentChannel,
  type WorkerCalls,
  type WorkerLease,
} from './worker-port.js';
