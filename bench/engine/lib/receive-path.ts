/**
 * The two ends of bench/engine/receive-path.ts: the frames a sending engine puts on a link for a file, and the
 * receiving engine's stack for it (file-receiving.ts's direct path without the database and the link).
 */
import {
  EncryptingReader,
  prepareFile,
  DecryptingWriter,
  type PreparedFile,
} from '../../../core/src/engine/files/attachment-stream.js';
import { BatchedDecryptingWriter } from '../../../core/src/engine/files/batched-decrypting-writer.js';
import { MemoryFileSink } from '../../../core/src/engine/files/file-io.js';
import { resumableReceiver } from '../../../core/src/engine/files/receive-checkpoints.js';
import { InMemoryEngineStateStore } from '../../../core/src/engine/shared/state-store.js';
import type { FileBody } from '../../../core/src/engine/files/types.js';
import {
  deserializeAttachmentKeys,
  sealAttachmentDigest,
  serializeAttachmentKeys,
  type AttachmentOpener,
  type CryptoOptions,
} from '../../../core/src/crypto/index.js';
import { encodeFrameParts } from '../../../core/src/link/framing.js';
import { LinkChannel } from '../../../core/src/link/framed-link.js';
import {
  DEFAULT_CHUNK_BYTES,
  encodeTransferMessageParts,
  type TransferMessage,
} from '../../../core/src/transfer/protocol.js';
import type { TransferSession } from '../../../core/src/transfer/session.js';
import { TypedEmitter } from '../../../core/src/link/typed-emitter.js';
import { toBase64Url } from '../../../core/src/protocol/encoding.js';

class ClientEvents extends TypedEmitter<{ [event: string]: unknown; 'file-progress': unknown }> {
  fire(payload: unknown): void {
    this.emit('file-progress', payload);
  }
}

export type Crypto = CryptoOptions & { randomBytes: (length: number) => Uint8Array };

/** A file as its sender's engine puts it on a direct link: the frames, and what its message announced. */
export interface SentFile {
  readonly frames: Uint8Array[];
  readonly body: FileBody;
  readonly size: number;
}

/** `plaintext` as a sending engine reads it for a direct transfer: prepared (key, header) and encrypted as read. */
export function encryptingReader(
  plaintext: Uint8Array,
  crypto: Crypto,
): { prepared: PreparedFile; reader: EncryptingReader } {
  const prepared = prepareFile(plaintext.byteLength, crypto);
  const source = {
    size: plaintext.byteLength,
    name: 'f',
    mimeType: 'x',
    read: async (o: number, l: number) => plaintext.subarray(o, o + l),
  };
  return { prepared, reader: new EncryptingReader(source, prepared, crypto) };
}

/** The frames a sending engine's TransferSender writes for `plaintext`: hello, every chunk, the trailer. */
export async function sendingFrames(
  plaintext: Uint8Array,
  crypto: Crypto,
  transferId: string,
): Promise<SentFile> {
  const { prepared, reader } = encryptingReader(plaintext, crypto);
  const frames: Uint8Array[] = [];
  let messageId = 0;
  const put = (message: TransferMessage) => {
    const parts = encodeTransferMessageParts(message);
    const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
    frames.push(
      encodeFrameParts({ channel: LinkChannel.transfer, messageId: messageId++, total, offset: 0 }, parts),
    );
  };
  put({ t: 'hello', id: transferId, size: reader.size, chunkSize: DEFAULT_CHUNK_BYTES, window: 256 });
  for (let offset = 0, index = 0; offset < reader.size; offset += DEFAULT_CHUNK_BYTES, index += 1) {
    const bytes = (await reader.read(offset, Math.min(DEFAULT_CHUNK_BYTES, reader.size - offset))).slice();
    put({ t: 'chunk', id: transferId, index, bytes });
  }
  const digest = sealAttachmentDigest(prepared.keys, prepared.header, await reader.digest(), crypto);
  put({ t: 'trailer', id: transferId, value: toBase64Url(digest) });
  const body: FileBody = {
    type: 'file',
    name: 'f',
    mimeType: 'application/octet-stream',
    size: reader.size,
    transferId,
    descriptor: serializeAttachmentKeys(prepared.keys),
  };
  return { frames, body, size: plaintext.byteLength };
}

/** BENCH_BATCH=<chunks per batch>,<batches in flight>: other batch sizes than the engine's. */
function batchOptions(): { boxes?: number; inFlight?: number } {
  const [boxes, inFlight] = (process.env.BENCH_BATCH ?? '').split(',').map(Number);
  return {
    ...(boxes === undefined || Number.isNaN(boxes) || boxes === 0 ? {} : { boxes }),
    ...(inFlight === undefined || Number.isNaN(inFlight) ? {} : { inFlight }),
  };
}

/**
 * The engine's receiving end of `file` (file-receiving.ts without the database), attached to `session`;
 * with `opener`, decrypting through it (the client's `attachmentOpener`).
 */
export async function receivePath(
  session: TransferSession,
  file: SentFile,
  crypto: CryptoOptions,
  opener?: AttachmentOpener,
  /** The sink's memory is shared even without an opener that shares it (sharedMemorySinkFactory). */
  shared = false,
): Promise<{
  done: Promise<void>;
  bytes: () => Uint8Array;
  written: () => number;
  /** Resolves at the receiver's next progress (a chunk written): what a sender held by its window awaits. */
  progressed: () => Promise<void>;
}> {
  // As the engine's default sink: shared memory for an opener that decrypts into it.
  const sink = new MemoryFileSink(file.size, { shared: shared || opener?.sharedMemory === true });
  const descriptor = deserializeAttachmentKeys(file.body.descriptor);
  const writer =
    opener === undefined
      ? new DecryptingWriter(sink, descriptor, crypto)
      : new BatchedDecryptingWriter(sink, descriptor, crypto, opener, undefined, batchOptions());
  const { receiver } = await resumableReceiver({
    state: new InMemoryEngineStateStore(),
    file: { messageId: 'm', sender: { name: 'peer', deviceId: 1 }, body: file.body },
    writer,
    trailing: true,
    attachmentChunkSize: descriptor.chunkSize,
    report: (error) => {
      throw error;
    },
  });
  // The engine turns each progress event into a client event.
  const events = new ClientEvents();
  let waiting: Array<() => void> = [];
  receiver.on('progress', ({ bytes, total }) => {
    events.fire({ messageId: 'm', direction: 'receive', bytes, total });
    if (waiting.length === 0) return;
    const woken = waiting;
    waiting = [];
    for (const wake of woken) wake();
  });
  session.attach(receiver);
  return {
    done: receiver.done,
    bytes: () => sink.bytes,
    written: () => receiver.writtenBytes,
    progressed: () => new Promise<void>((resolve) => waiting.push(resolve)),
  };
}
