export {
  DEFAULT_CHUNK_BYTES,
  TransferControlSchema,
  TransferIdSchema,
  chunkCount,
  chunkRange,
  decodeTransferMessage,
  encodeTransferMessage,
} from './protocol.js';
export type { TransferChunk, TransferControl, TransferMessage } from './protocol.js';
export { FinishedTransfer } from './finished.js';
export { TransferReceiver } from './receiver.js';
export { TransferSender } from './sender.js';
export type { TransferSenderOptions } from './sender.js';
export { TransferSession } from './session.js';
export type { TransferSessionEvents } from './session.js';
export type {
  TransferCheckpoint,
  TransferEndpoint,
  TransferEvents,
  TransferPort,
  TransferProgress,
  TransferReceiverOptions,
  TransferSink,
  TransferSource,
  TransferState,
} from './types.js';
