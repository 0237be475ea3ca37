/**
 * The sending engine's stack for a file over a direct link (file-sending.ts's direct path without the
 * database), for bench/engine/send-path.ts: the transfer runs to its end against acks a receiver would send.
 */
import type { Crypto } from './receive-path.js';
import { EncryptingReader, prepareFile } from '../../../core/src/engine/files/attachment-stream.js';
import { bytesSource } from '../../../core/src/engine/files/file-io.js';
import { sealAttachmentDigest, type AttachmentSealer } from '../../../core/src/crypto/index.js';
import { decodeFrame, encodeFrameParts } from '../../../core/src/link/framing.js';
import { LinkChannel } from '../../../core/src/link/framed-link.js';
import { TransferSender } from '../../../core/src/transfer/sender.js';
import {
  decodeTransferMessage,
  encodeTransferMessageParts,
  type TransferMessage,
} from '../../../core/src/transfer/protocol.js';
import type { TransferSession } from '../../../core/src/transfer/session.js';
import { toBase64Url } from '../../../core/src/protocol/encoding.js';

/** The link under the session: what was sent is shown to `onSend`; `deliver` hands in the peer's frames. */
export interface SendPathLink {
  onSend: ((frame: Uint8Array) => void) | undefined;
  deliver(frame: Uint8Array): void;
}

/**
 * Sends `plaintext` as the engine does over `session`; a receiver's acks (every 64 chunks, window 256) and
 * its `done` come back through `link` a macrotask later, as from a peer. Resolves when the sender is done.
 */
export async function sendPath(
  session: TransferSession,
  link: SendPathLink,
  plaintext: Uint8Array,
  crypto: Crypto,
  transferId: string,
  /** Seals the chunks there (the client's `attachmentSealer`) instead of on this thread. */
  sealer?: AttachmentSealer,
): Promise<void> {
  const prepared = prepareFile(plaintext.byteLength, crypto);
  const source = bytesSource(plaintext, 'f', 'x');
  // As file-sending.ts does: one box for every chunk, which the sender copies into its frame.
  const reader = new EncryptingReader(source, prepared, crypto, {
    reuseMemory: true,
    ...(sealer === undefined ? {} : { sealer }),
  });
  const sender = new TransferSender({
    id: transferId,
    size: reader.size,
    source: reader,
    trailer: async () =>
      toBase64Url(sealAttachmentDigest(prepared.keys, prepared.header, await reader.digest(), crypto)),
  });
  let messageId = 0;
  const reply = (message: TransferMessage) => {
    const parts = encodeTransferMessageParts(message);
    const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
    const frame = encodeFrameParts(
      { channel: LinkChannel.transfer, messageId: messageId++, total, offset: 0 },
      parts,
    );
    setImmediate(() => link.deliver(frame));
  };
  let received = 0;
  let chunks = 0;
  link.onSend = (frame) => {
    const { bytes } = decodeFrame(frame);
    if (bytes[0] === 0x02) {
      chunks += 1;
      received += 1;
      if (received % 64 === 0 || received === sender.totalChunks)
        reply({ t: 'ack', id: transferId, next: received, window: 256 });
      return;
    }
    const message = decodeTransferMessage(bytes);
    if (message.t === 'hello') reply({ t: 'ack', id: transferId, next: 0, window: 256 });
    else if (message.t === 'trailer') reply({ t: 'done', id: transferId, ok: true });
  };
  session.attach(sender);
  await sender.done;
  reader.close();
  if (chunks !== sender.totalChunks) throw new Error('chunks missing');
}
