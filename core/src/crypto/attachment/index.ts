export {
  AttachmentEncryptor,
  encryptAttachmentChunk,
  encryptAttachmentStream,
  type AttachmentEncryptOptions,
} from './encrypt.js';
export { AttachmentDecryptor, decryptAttachmentChunk, decryptAttachmentStream } from './decrypt.js';
export {
  ATTACHMENT_HEADER_LENGTH,
  DEFAULT_CHUNK_SIZE,
  deserializeAttachmentDescriptor,
  serializeAttachmentDescriptor,
  type AttachmentDescriptor,
  type SerializedAttachmentDescriptor,
} from './format.js';
