import { attachmentOffset, type AttachmentCheckpoint } from '../../crypto/index.js';
import { fromBase64Url } from '../../protocol/encoding.js';
import { TransferReceiver } from '../../transfer/receiver.js';
import type { EngineStateStore } from '../shared/state-store.js';
import type { ReceivingWriter } from './attachment-stream.js';
import { INCOMING_FILE_PREFIX, encodeIncomingRecord, type IncomingFileRecord } from './incoming-record.js';

/**
 * Attachment chunks (64 KiB each) between two saved checkpoints at least: 2 MiB. Each save is a sealed
 * database write of the whole record (every tag so far), about a third of a millisecond of the receiving
 * thread in Node with fake-indexeddb and a flush of the sink in a browser: at 1 MiB they were 15 per 16 MiB,
 * ~5 ms of the ~45 ms the engine's thread spends on such a file.
 */
const MIN_STEP = 32;

/**
 * Keeps one incoming file's record (incoming-record.ts) up to date while it arrives. A checkpoint carries
 * every chunk's tag, so it grows with the file: it is saved after at least 2 MiB and at least a sixteenth
 * of what came before, so a file costs O(log size) writes and a restart loses at most 2 MiB or ~6% of it.
 */
export class ReceiveCheckpoints {
  #saved: Promise<void> = Promise.resolve();
  #savedIndex: number;
  #ended = false;

  constructor(
    private readonly state: EngineStateStore,
    private readonly key: string,
    private readonly file: Pick<IncomingFileRecord, 'messageId' | 'sender' | 'body'>,
    private readonly report: (error: unknown) => void,
    private readonly current?: Pick<IncomingFileRecord, 'checkpoint' | 'transferChunkSize'>,
    /** The sink's flush (FileSink.flush): what a checkpoint counts is made durable before it is saved. */
    private readonly flush?: () => Promise<void>,
    /**
     * Settles once the record as it stands is in the store, written with the file's message (or before a
     * restart): `start` writes nothing, and the checkpoints wait for it, so none is overwritten by it.
     */
    private readonly stored?: Promise<void>,
  ) {
    this.#savedIndex = current?.checkpoint?.index ?? 0;
  }

  /**
   * Writes the record as it stands now (a resumed file keeps its checkpoint; a fresh one has none). Later
   * checkpoints and the deletion at the end queue behind it, so nobody needs to wait for it before chunks
   * come in: the transfer starts a database round trip sooner. A failure is reported, and also rejects here.
   * A record already `stored` is not written again: the queue waits for that store instead.
   */
  start(): Promise<void> {
    if (this.stored !== undefined) {
      this.#saved = this.stored.catch(() => undefined);
      return this.stored;
    }
    const { checkpoint, transferChunkSize } = this.current ?? {};
    const written = this.state.put(
      this.key,
      encodeIncomingRecord({
        ...this.file,
        ...(checkpoint === undefined || transferChunkSize === undefined
          ? {}
          : { checkpoint, transferChunkSize }),
      }),
    );
    this.#saved = written.catch(this.report);
    return written;
  }

  /**
   * `writer`'s chunks are in the sink: its checkpoint is saved if far enough past the last one saved. Asked
   * after every transfer chunk, so the checkpoint (a copy of every tag so far) is built only when saved.
   */
  offer(writer: Pick<ReceivingWriter, 'chunks' | 'checkpoint'>, transferChunkSize: number | undefined): void {
    if (this.#ended || transferChunkSize === undefined) return;
    const step = Math.max(MIN_STEP, Math.floor(this.#savedIndex / 16));
    if (writer.chunks - this.#savedIndex < step) return;
    const checkpoint = writer.checkpoint();
    if (checkpoint === undefined) return;
    this.#savedIndex = checkpoint.index;
    const record = encodeIncomingRecord({ ...this.file, checkpoint, transferChunkSize });
    this.#saved = this.#saved
      .then(async () => {
        if (this.#ended) return;
        await this.flush?.();
        if (!this.#ended) await this.state.put(this.key, record);
      })
      .catch(this.report);
  }

  /** The file arrived or failed for good: its record goes. */
  async end(): Promise<void> {
    this.#ended = true;
    await this.#saved;
    await this.state.delete(this.key);
  }
}

/**
 * The receiving end of a direct file: a TransferReceiver writing through `writer`, resumed at the transfer
 * chunk that holds the first byte past `resume`'s checkpoint (the writer skips the rest: same key and
 * nonces, same ciphertext), with its record kept up to date. `ended()` once it is done either way.
 */
export async function resumableReceiver(options: {
  readonly state: EngineStateStore;
  readonly file: Pick<IncomingFileRecord, 'messageId' | 'sender' | 'body'>;
  readonly writer: ReceivingWriter;
  /** Keeps the verified file before its sender is told `done` (TransferReceiverOptions.commit). */
  readonly keep?: () => Promise<void>;
  readonly trailing: boolean;
  readonly attachmentChunkSize: number;
  readonly resume?: { readonly checkpoint: AttachmentCheckpoint; readonly transferChunkSize: number };
  readonly report: (error: unknown) => void;
  /** FileSink.flush of the sink `writer` writes to, if it has one. */
  readonly flush?: () => Promise<void>;
  /** Settles once the record was written with the file's message (ReceiveCheckpoints' `stored`). */
  readonly stored?: Promise<void>;
  /**
   * The sink keeps what it took across a restart (its factory `resumes`): only then is a checkpoint worth
   * a database write. Without, a restart receives the file again from its first byte, and a new link in
   * the same run resumes from the receiver's own count. Default true.
   */
  readonly checkpoints?: boolean;
}): Promise<{ receiver: TransferReceiver; ended: () => Promise<void> }> {
  const { file, writer, resume } = options;
  // The transfer's whole window (TransferReceiver's default, 4 MiB) stays for the link, even when the
  // writer holds batches of its own (a decrypting worker's): acks count chunks in the sink, so a window
  // shrunk by what the writer may hold left the sender waiting for acks a dozen times per 16 MiB (20-90 ms
  // of a ~200 ms transfer). What a file in flight takes is one window plus the writer's `capacity`.
  const receiver = new TransferReceiver({
    id: file.body.transferId,
    size: file.body.size,
    sink: writer,
    trailer: options.trailing,
    verify: (trailer) => writer.finish(trailer === undefined ? undefined : fromBase64Url(trailer)),
    ...(options.keep === undefined ? {} : { commit: options.keep }),
    ...(resume === undefined
      ? {}
      : {
          resume: {
            chunkSize: resume.transferChunkSize,
            chunks: Math.floor(
              attachmentOffset(resume.checkpoint, options.attachmentChunkSize) / resume.transferChunkSize,
            ),
          },
        }),
  });
  const keep = new ReceiveCheckpoints(
    options.state,
    INCOMING_FILE_PREFIX + file.messageId,
    file,
    options.report,
    resume,
    options.flush,
    options.stored,
  );
  // Not awaited: the record's write leads the checkpoints' queue (a failure is reported through it).
  keep.start().catch(() => undefined);
  // Every chunk the writer opened is in the sink once the receiver reports progress.
  if (options.checkpoints !== false)
    receiver.on('progress', () => keep.offer(writer, receiver.checkpoint?.chunkSize));
  return { receiver, ended: () => keep.end() };
}
