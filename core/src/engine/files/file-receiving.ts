import { ParleyError } from '../../errors/index.js';
import { deserializeAttachmentKeys, type ProtocolAddress } from '../../crypto/index.js';
import { fromBase64Url } from '../../protocol/encoding.js';
import { PRIMARY_DEVICE, peerOf } from '../shared/addresses.js';
import { DecryptingWriter, ciphertextSize } from './attachment-stream.js';
import { BatchedDecryptingWriter } from './batched-decrypting-writer.js';
import { onCancel } from './file-cancellation.js';
import { MemoryFileSink, type FileSink } from './file-io.js';
import type { FileTransfers } from './file-transfers.js';
import { fileRecordEntry } from './file-records.js';
import { keepReceived } from './finished-transfers.js';
import {
  INCOMING_FILE_PREFIX,
  decodeIncomingRecord,
  encodeIncomingRecord,
  type IncomingFileRecord,
} from './incoming-record.js';
import { resumableReceiver } from './receive-checkpoints.js';
import { refusalReason } from './refusal.js';
import { PERSON_CANCELLED, type CancelFlag } from './relay-send.js';
import { receivedFileInfo, type FileBody, type FileOptions } from './types.js';
import type { RelayAttachments } from '../relay/relay-attachments.js';
import type { StateEntry } from '../../storage/index.js';

/** The smallest step between two progress events of a received file, and the share of a large one. */
const PROGRESS_STEP_BYTES = 64 * 1024;
const PROGRESS_STEP_SHARE = 1 / 200;

/**
 * The transfer reports every chunk it writes (16 KiB): a screen redrawing the bubble for each would do so a
 * thousand times per 16 MiB. The client's 'file-progress' comes at its first chunk, then every 64 KiB or
 * half a percent of the file, whichever is more, and at its last byte.
 */
function screenProgress(
  emit: (bytes: number, total: number) => void,
): (progress: { bytes: number; total: number }) => void {
  let last = Number.NEGATIVE_INFINITY;
  return ({ bytes, total }) => {
    if (bytes < total && bytes - last < Math.max(PROGRESS_STEP_BYTES, total * PROGRESS_STEP_SHARE)) return;
    last = bytes;
    emit(bytes, total);
  };
}

/**
 * The receiving end of a file: offered when its message arrives, then taken over the direct link or from our
 * relay, decrypted chunk by chunk into the platform's FileSink, and reported only once its digest checked
 * out. A file this device cannot take is refused back to its sender with the reason.
 */
export class FileReceiving {
  /** Files whose transfer `begin` started and `receive` has not offered yet, by message id. */
  readonly #begun = new Map<string, { recorded: Promise<void>; offer: (offered: Promise<void>) => void }>();
  /** Whether restore() took up the files a restart cut: until then no transfer starts before its message is stored. */
  #restored = false;
  /** Files `prestart` started whose store has not answered yet (the same id twice in one batch starts once). */
  readonly #starting = new Set<string>();
  /** Files whose transfer this run started, by message id: restore() does not start them again. */
  readonly #taken = new Set<string>();

  constructor(
    private readonly transfers: FileTransfers,
    /** Our own relay's attachment API, when the platform gave the engine `fetch` and SHA-256. */
    private readonly relay: () => RelayAttachments | undefined,
    private readonly options: FileOptions,
  ) {}

  /**
   * A message announcing a file is about to be stored (decrypted, its sender admitted): a direct file new to
   * this device starts its transfer now, beside the store's write (the sink opens and the sender gets its
   * first ack), unless a copy of the message was stored before (a resend after a lost acknowledgement must
   * never open its file again). Returns what to call once the store answered: stored, the file is recorded
   * and offered as `begin` does; not stored, a transfer started here is cancelled, nothing recorded.
   */
  prestart(sender: ProtocolAddress, messageId: string, body: FileBody): (stored: boolean) => void {
    if (
      body.relayHash !== undefined ||
      !this.#restored ||
      this.transfers.receiving.has(messageId) ||
      this.#begun.has(messageId) ||
      this.#starting.has(messageId)
    )
      return (stored) => {
        if (stored) this.begin(sender, messageId, body);
      };
    this.#starting.add(messageId);
    const gate = offerGate();
    // Quietly: a file this device cannot take, or anything else that goes wrong here (a read that failed,
    // say), is met again and told by `begin`'s path, once the message is stored.
    const started = (async () => {
      if ((await this.transfers.ctx.db.messages.get(messageId)) !== undefined) return false;
      return this.#receive(sender, messageId, body, undefined, gate.offered, true);
    })().catch(() => false);
    return (stored) => {
      this.#starting.delete(messageId);
      if (stored) this.begin(sender, messageId, body, { gate, started });
      // A store that failed because the app is closing is left as it stands: the message was not
      // acknowledged, so its sender sends it again to the next start, which takes the file then.
      else if (!this.transfers.closing())
        gate.offer(Promise.reject(new ParleyError('INTERNAL', 'its message could not be stored')));
    };
  }

  /**
   * What to write in the transaction that stores a message announcing a file, if the engine state is the
   * database's own (else `begin` writes the record, after the commit): the file's record ('transferring')
   * and its `file-in:` record. An app that stops right after the commit then finds both, and restore()
   * takes the file up (from its first byte, or from the relay), instead of a message whose file never
   * comes nor fails. A duplicate's are not written (the store writes them only with a new message).
   */
  storedWith(sender: ProtocolAddress, messageId: string, body: FileBody): readonly StateEntry[] {
    if (!this.#recordedWithMessage()) return [];
    const from = { name: sender.name, deviceId: sender.deviceId || PRIMARY_DEVICE };
    return [
      fileRecordEntry(receivedFileInfo(messageId, body)),
      {
        key: INCOMING_FILE_PREFIX + messageId,
        value: encodeIncomingRecord({ messageId, sender: from, body }),
      },
    ];
  }

  /**
   * The message announcing a file is stored: its transfer starts now (unless `prestart` started it), beside
   * the write of the file's record, and `receive` (the message's effects, which run a moment later) offers
   * it. What the transfer tells or records later (arrived, failed, cancelled) waits until it was offered.
   */
  begin(
    sender: ProtocolAddress,
    messageId: string,
    body: FileBody,
    early?: { gate: OfferGate; started: Promise<boolean> },
  ): void {
    if (this.#begun.has(messageId)) return;
    // In the database's own engine state the record was written with the message (storedWith).
    const recorded = this.#recordedWithMessage()
      ? Promise.resolve()
      : this.transfers.records.put(receivedFileInfo(messageId, body));
    const { offer, offered } = early?.gate ?? offerGate();
    this.#begun.set(messageId, { recorded, offer });
    const receive = () =>
      this.#receive(sender, messageId, body, undefined, offered).catch((error: unknown) =>
        this.transfers.failed(error, { messageId, direction: 'receive' }),
      );
    // restore() may have taken it up already (from the record its message's commit wrote).
    if (early === undefined) {
      if (!this.#taken.has(messageId)) void receive();
    } else void early.started.then((started) => (started ? undefined : receive()));
  }

  /**
   * A message announcing a file arrived (and is stored): receive it over the link or from the relay,
   * decrypting as it comes (started by `begin`, if it was not already), and offer it once its record is
   * written.
   */
  async receive(sender: ProtocolAddress, messageId: string, body: FileBody): Promise<void> {
    this.begin(sender, messageId, body);
    const begun = this.#begun.get(messageId);
    if (begun === undefined) return;
    this.#begun.delete(messageId);
    try {
      await begun.recorded;
      this.transfers.ctx.emit('file-offered', {
        messageId,
        name: body.name,
        mimeType: body.mimeType,
        ...(body.thumbnail === undefined ? {} : { thumbnail: fromBase64Url(body.thumbnail) }),
        ...(body.voice === undefined ? {} : { voice: body.voice }),
      });
    } finally {
      begun.offer(begun.recorded);
    }
  }

  /**
   * The sender of file message `messageId` cannot send it after all: our transfer stops, and the file
   * fails with its reason. Only the device that announced the file may withdraw it (the ratchet
   * authenticated `from`); anyone else's word changes nothing.
   */
  async withdrawn(from: ProtocolAddress, messageId: string, reason: string): Promise<void> {
    const { ctx, receiving } = this.transfers;
    const message = await ctx.db.messages.get(messageId);
    if (message === undefined || message.sender.name !== from.name) return;
    const receiver = receiving.get(messageId);
    if (receiver === undefined) return;
    receiving.delete(messageId);
    const why = `the sender cannot send the file: ${reason}`;
    await this.transfers.records.setState(messageId, 'failed', why);
    receiver.cancel(why.slice(0, 256));
    ctx.emit('file-failed', { messageId, direction: 'receive', reason: why });
  }

  /**
   * After a restart: every file that was coming over a direct link continues from its checkpoint, into the
   * same sink, if the sink factory can open it again (`resumes`); otherwise from its first byte.
   */
  async restore(): Promise<void> {
    const { ctx } = this.transfers;
    for (const key of await ctx.state.keys(INCOMING_FILE_PREFIX)) {
      const record = decodeIncomingRecord(await ctx.state.get(key));
      if (
        record === undefined ||
        (await this.transfers.records.get(record.messageId))?.state !== 'transferring'
      ) {
        await ctx.state.delete(key);
        continue;
      }
      if (this.#taken.has(record.messageId)) continue;
      const { messageId, sender, body } = record;
      const resumable = this.options.sink.resumes === true ? record : { messageId, sender, body };
      void this.#receive(record.sender, record.messageId, record.body, resumable).catch((error: unknown) =>
        this.transfers.failed(error, { messageId: record.messageId, direction: 'receive' }),
      );
    }
    this.#restored = true;
  }

  /** Whether a file's records go into its message's transaction (storedWith): the engine state is the database's. */
  #recordedWithMessage(): boolean {
    const { ctx } = this.transfers;
    return ctx.state === ctx.db.engineState;
  }

  /**
   * `offered`: settles once the file was offered (its record written), which every later change of it waits
   * for. `quiet`: a file it cannot take is left alone, resolving false (its message is not stored yet, so
   * there is nothing to fail; `begin` refuses it); resolves true once the transfer started.
   */
  async #receive(
    sender: ProtocolAddress,
    messageId: string,
    body: FileBody,
    restored?: IncomingFileRecord,
    offered: Promise<void> = Promise.resolve(),
    quiet = false,
  ): Promise<boolean> {
    const { ctx, records } = this.transfers;
    this.#taken.add(messageId);
    const info = { messageId, name: body.name, mimeType: body.mimeType, size: 0 };
    let descriptor: ReturnType<typeof deserializeAttachmentKeys>;
    let sink: FileSink;
    try {
      descriptor = deserializeAttachmentKeys(body.descriptor);
      if (body.relayHash !== undefined && descriptor.digest === undefined)
        throw new ParleyError('BAD_REQUEST', 'a file on the relay must carry its digest');
      if (body.size !== ciphertextSize(descriptor.size, descriptor.chunkSize))
        throw new ParleyError('BAD_REQUEST', 'file size does not match its descriptor');
      if (descriptor.size > this.options.maxBytes)
        throw new ParleyError('PAYLOAD_TOO_LARGE', 'file is larger than this device accepts');
      const resume = restored?.checkpoint !== undefined && restored.transferChunkSize !== undefined;
      sink = await this.options.sink({ ...info, size: descriptor.size, ...(resume ? { resume } : {}) });
    } catch (error) {
      if (quiet) return false;
      // Tell the sender (an end-to-end encrypted control message), so its message fails with the reason
      // instead of waiting for a transfer that will never start.
      const reason = refusalReason(error);
      // What the link holds of it (its hello, the eager burst behind it) goes now, not in 30 s.
      this.transfers.forget(peerOf(sender), body.transferId);
      const to = { name: sender.name, deviceId: sender.deviceId || PRIMARY_DEVICE };
      await ctx.sendControl([to], { type: 'file-refused', target: messageId, reason });
      await offered;
      await records.setState(messageId, 'failed', reason);
      ctx.emit('file-failed', { messageId, direction: 'receive', reason });
      throw error;
    }
    const transferChunkSize = restored?.transferChunkSize;
    const checkpoint = transferChunkSize === undefined ? undefined : restored?.checkpoint;
    const { opener } = this.options;
    const writer =
      opener === undefined
        ? new DecryptingWriter(sink, descriptor, ctx.crypto, checkpoint)
        : new BatchedDecryptingWriter(sink, descriptor, ctx.crypto, opener, checkpoint);
    const tell = () =>
      ctx.emit('file', {
        ...info,
        size: descriptor.size,
        ...(sink instanceof MemoryFileSink ? { bytes: sink.bytes } : {}),
        ...(body.voice === undefined ? {} : { voice: body.voice }),
      });
    const arrived = async () => {
      await offered;
      await records.setState(messageId, 'complete');
      tell();
    };
    const abort = () => sink.abort().catch(() => undefined);
    if (body.relayHash !== undefined) {
      const relay = this.relay();
      const flag: CancelFlag = { cancelled: false };
      this.transfers.relayTransfers.set(messageId, flag);
      try {
        if (relay === undefined) throw new ParleyError('UNAVAILABLE', 'no attachment API configured');
        await relay.download(
          body.relayHash,
          body.size,
          async (offset, bytes) => {
            await writer.write(offset, bytes);
          },
          (bytes, total) => ctx.emit('file-progress', { messageId, direction: 'receive', bytes, total }),
          () => flag.cancelled,
        );
        await writer.finish();
      } catch (error) {
        await abort();
        if (flag.cancelled) onCancel(this.transfers, messageId, 'receive', 'local', PERSON_CANCELLED);
        throw error;
      } finally {
        this.transfers.relayTransfers.delete(messageId);
      }
      await relay.acknowledge(body.relayHash);
      await arrived();
      // What a restart would have taken the download up from (storedWith) is done with.
      await ctx.state.delete(INCOMING_FILE_PREFIX + messageId);
      return true;
    }
    const from = { name: sender.name, deviceId: sender.deviceId || PRIMARY_DEVICE };
    const peer = peerOf(sender);
    const flush = sink.flush?.bind(sink);
    // The file is kept before its sender is told `done` (and lets go of it): a stop before this resumes the
    // transfer at the next start, a stop after finds the file complete, and its sender's next hello is
    // answered (finished-transfers.ts). A write refused because the app is closing says nothing to the
    // sender, which resumes with the next start.
    const keep = async () => {
      await offered;
      try {
        await keepReceived(ctx.state, { transferId: body.transferId, messageId, peer, size: body.size });
        await records.setState(messageId, 'complete');
      } catch (error) {
        if (this.transfers.closing())
          throw new ParleyError('CLOSED', 'the app closed before the file was kept', { cause: error });
        throw error;
      }
    };
    const { receiver, ended } = await resumableReceiver({
      state: ctx.state,
      file: { messageId, sender: from, body },
      writer,
      keep,
      trailing: descriptor.digest === undefined,
      attachmentChunkSize: descriptor.chunkSize,
      ...(checkpoint === undefined || transferChunkSize === undefined
        ? {}
        : { resume: { checkpoint, transferChunkSize } }),
      report: (error) => this.transfers.report(error),
      // An in-memory sink starts over after a restart: its checkpoints would be written for nothing.
      checkpoints: this.options.sink.resumes === true,
      ...(flush === undefined ? {} : { flush }),
      // Its record was stored with the message (storedWith), or is there since before a restart.
      ...(this.#recordedWithMessage() ? { stored: offered } : {}),
    });
    receiver.on(
      'progress',
      screenProgress((bytes, total) =>
        ctx.emit('file-progress', { messageId, direction: 'receive', bytes, total }),
      ),
    );
    receiver.on('cancel', ({ by, reason }) =>
      onCancel(this.transfers, messageId, 'receive', by, reason, offered),
    );
    this.transfers.receiving.set(messageId, receiver);
    // A file whose record could not be written is not taken: nothing would say it arrived.
    offered.catch(() => receiver.cancel('the file could not be recorded'));
    // A receiver that stops because the client is closing (its opener refuses new batches) leaves the
    // sink and its record as they stand: the next start resumes from the checkpoint.
    void receiver.done
      .catch(() => (this.transfers.closing() ? undefined : abort()))
      .finally(async () => {
        this.transfers.receiving.delete(messageId);
        if (!this.transfers.closing()) await ended();
      })
      .catch((error: unknown) => this.transfers.report(error));
    // Its end is told (and recorded) only once it was offered.
    const done = receiver.done.then(
      () => offered,
      async (error: unknown) => {
        await offered.catch(() => undefined);
        throw error;
      },
    );
    // Recorded complete by `keep` before the sender was told: the screen is told now.
    this.transfers.track(peer, receiver, done, async () => tell(), { messageId, direction: 'receive' });
    return true;
  }
}

/** Settles once a file was offered (`offer` with its record's write), or never is (`offer` with a rejection). */
interface OfferGate {
  readonly offered: Promise<void>;
  readonly offer: (offered: Promise<void>) => void;
}

function offerGate(): OfferGate {
  let offer!: (offered: Promise<void>) => void; // assigned by the Promise executor, which runs synchronously
  const offered = new Promise<void>((resolve) => (offer = resolve));
  offered.catch(() => undefined); // told through `receive`, which throws; the transfer stops (#receive)
  return { offered, offer };
}
