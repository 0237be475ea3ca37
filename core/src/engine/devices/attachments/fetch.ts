import { deserializeAttachmentKeys, type CryptoOptions } from '../../../crypto/index.js';
import { ParleyError } from '../../../errors/index.js';
import { fromBase64Url } from '../../../protocol/encoding.js';
import { DecryptingWriter, ciphertextSize } from '../../files/attachment-stream.js';
import type { FileSink, IncomingFile } from '../../files/file-io.js';
import type { DeviceLinkChannel } from '../linking/channel.js';
import type { BoxedMessage } from '../linking/wire.js';
import type { EngineTimers } from '../../platform.js';

export interface FetchTarget {
  readonly file: IncomingFile;
  /** Opens where the bytes go (the client's fileSink), once the other device said it has them. */
  openSink(file: IncomingFile): Promise<FileSink>;
  onProgress(bytes: number, total: number): void;
  /** How long the other device may stay silent (no answer, no chunk) before the fetch gives up. */
  readonly idle: { readonly timers: EngineTimers; readonly ms: number };
}

/**
 * Asks the device at the other end of `channel` for a file's bytes and writes them to a sink as they come,
 * decrypting each attachment chunk; resolves once the size and the digest over every chunk checked out (the
 * sink is finished), rejects (the sink aborted) on anything else: `NOT_FOUND` when that device has no copy,
 * `BAD_REQUEST` for a size other than the one the history recorded, `DECRYPT_FAILED` for a bad chunk or
 * digest, `CLOSED`/`UNAVAILABLE` when the channel ends first or the other device falls silent (a relay path
 * does not tell one side that the other went away).
 */
export function fetchFile(
  channel: DeviceLinkChannel,
  target: FetchTarget,
  crypto: CryptoOptions,
): Promise<void> {
  const { messageId, size } = target.file;
  return new Promise<void>((resolve, reject) => {
    let writer: DecryptingWriter | undefined;
    let sink: FileSink | undefined;
    let total = 0;
    let chain: Promise<void> = Promise.resolve();
    let settled = false;
    const { timers, ms } = target.idle;
    let silence: unknown;
    const listen = () => {
      if (silence !== undefined) timers.clearTimeout(silence);
      silence = timers.setTimeout(
        () => fail(new ParleyError('UNAVAILABLE', 'the other device stopped sending the file')),
        ms,
      );
    };
    listen();
    const offMessage = channel.on('message', (message) => {
      if (!('id' in message) || message.id !== messageId) return;
      listen();
      chain = chain.then(() => (settled ? undefined : step(message))).catch(fail);
    });
    const offClose = channel.on('close', ({ error }) =>
      fail(error ?? new ParleyError('CLOSED', 'the other device went away before the file arrived')),
    );
    const finish = () => {
      settled = true;
      timers.clearTimeout(silence);
      offMessage();
      offClose();
    };
    function fail(error: unknown): void {
      if (settled) return;
      finish();
      void sink?.abort().catch(() => undefined);
      reject(error);
    }
    async function step(message: BoxedMessage): Promise<void> {
      switch (message.t) {
        case 'file-missing':
          throw new ParleyError('NOT_FOUND', `the other device cannot send the file: ${message.reason}`);
        case 'file-start': {
          if (writer !== undefined) throw new ParleyError('BAD_REQUEST', 'the file started twice');
          const keys = deserializeAttachmentKeys(message.descriptor);
          // The history said how large the file is: another size is another file.
          if (keys.size !== size)
            throw new ParleyError('BAD_REQUEST', `the file has ${keys.size} bytes, the history says ${size}`);
          total = ciphertextSize(keys.size, keys.chunkSize);
          sink = await target.openSink(target.file);
          writer = new DecryptingWriter(sink, keys, crypto);
          return;
        }
        case 'file-chunk': {
          if (writer === undefined) throw new ParleyError('BAD_REQUEST', 'a file chunk before its start');
          const bytes = fromBase64Url(message.data);
          if (message.offset + bytes.length > total)
            throw new ParleyError('BAD_REQUEST', 'a file chunk beyond the file');
          await writer.write(message.offset, bytes);
          target.onProgress(writer.received, total);
          return;
        }
        case 'file-end': {
          if (writer === undefined) throw new ParleyError('BAD_REQUEST', 'a file ended before its start');
          if (writer.received !== total) throw new ParleyError('TRUNCATED', 'the file ended early');
          await writer.finish(fromBase64Url(message.trailer));
          finish();
          resolve();
          return;
        }
        default:
          return;
      }
    }
    channel.send({ t: 'file-request', id: messageId }).catch(fail);
  });
}
