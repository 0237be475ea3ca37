import { sealAttachmentDigest, type CryptoOptions } from '../../../crypto/index.js';
import { isParleyError } from '../../../errors/index.js';
import { toBase64Url } from '../../../protocol/encoding.js';
import { serializeAttachmentKeys } from '../../../crypto/index.js';
import { EncryptingReader, prepareFile } from '../../files/attachment-stream.js';
import type { FileSource } from '../../files/file-io.js';
import type { DeviceLinkChannel } from '../linking/channel.js';

/** Ciphertext per chunk message, by path: relay signals hold 64 KiB (base64 twice over), a link far more. */
export const FILE_CHUNK_BYTES = { direct: 192 * 1024, relay: 24 * 1024 } as const;

/** Opens the bytes this device keeps of a message's file, or undefined when it has none. */
export type MessageFileOpener = (messageId: string) => Promise<FileSource | undefined>;

/**
 * The device that has a file's bytes sends them to our other device that asked (a moved history's photo):
 * encrypted as an attachment under a fresh key, chunk after chunk (each send waits for the one before, so
 * memory holds a chunk or two whatever the file's size), then the sealed digest. A file it cannot open is
 * answered `file-missing` with the reason; nothing else is said about it.
 */
export async function serveFile(
  channel: DeviceLinkChannel,
  open: MessageFileOpener,
  crypto: CryptoOptions & { randomBytes: (length: number) => Uint8Array },
  messageId: string,
): Promise<void> {
  let source: FileSource | undefined;
  try {
    source = await open(messageId);
  } catch (error) {
    const reason = isParleyError(error) ? error.message : 'the file could not be opened';
    await channel.send({ t: 'file-missing', id: messageId, reason });
    return;
  }
  if (source === undefined) {
    await channel.send({ t: 'file-missing', id: messageId, reason: 'that device no longer has the file' });
    return;
  }
  try {
    const path = await channel.ready();
    const prepared = prepareFile(source.size, crypto);
    const reader = new EncryptingReader(source, prepared, crypto);
    await channel.send({
      t: 'file-start',
      id: messageId,
      descriptor: serializeAttachmentKeys(prepared.keys),
    });
    const step = FILE_CHUNK_BYTES[path];
    for (let offset = 0; offset < reader.size; offset += step) {
      const data = await reader.read(offset, Math.min(step, reader.size - offset));
      await channel.send({ t: 'file-chunk', id: messageId, offset, data: toBase64Url(data) });
    }
    const trailer = sealAttachmentDigest(prepared.keys, prepared.header, await reader.digest(), crypto);
    await channel.send({ t: 'file-end', id: messageId, trailer: toBase64Url(trailer) });
  } finally {
    await source.close?.();
  }
}
