import { ParleyError } from '../../errors/index.js';
import {
  deserializeAttachmentKeys,
  sealAttachmentDigest,
  serializeAttachmentKeys,
  type ProtocolAddress,
} from '../../crypto/index.js';
import type { PeerAddress } from '../../link/link-manager.js';
import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import type { TransferReceiver } from '../../transfer/receiver.js';
import { TransferSender } from '../../transfer/sender.js';
import type { TransferSession } from '../../transfer/session.js';
import type { TransferEndpoint } from '../../transfer/types.js';
import { TransferSessions } from './transfer-sessions.js';
import { PRIMARY_DEVICE, peerOf } from '../shared/addresses.js';
import type { EngineContext } from '../context.js';
import { DecryptingWriter, EncryptingReader, ciphertextSize, prepareFile } from './attachment-stream.js';
import { MemoryFileSink, bytesSource, type FileSink, type FileSource } from './file-io.js';
import {
  OUTGOING_FILE_PREFIX,
  decodeOutgoingRecord,
  encodeOutgoingRecord,
  type OutgoingFileRecord,
} from './outgoing-record.js';
import { FileRecords } from './file-records.js';
import { resumableReceiver } from './receive-checkpoints.js';
import { INCOMING_FILE_PREFIX, decodeIncomingRecord, type IncomingFileRecord } from './incoming-record.js';
import { refusalReason } from './refusal.js';
import { PERSON_CANCELLED, sendViaRelay, type CancelFlag, type FileDrafts } from './relay-send.js';
import {
  fileBodyExtras,
  outgoingFileInfo,
  type FileBody,
  type FileOptions,
  type OutgoingFile,
  type QueueFileMessage,
} from './types.js';
import { refreshMessageState } from '../messaging/outgoing.js';
import type { RelayAttachments } from '../relay/relay-attachments.js';
import { namespacedId } from '../trust/message-ids.js';

/**
 * Files over the direct link: encrypted as an attachment (crypto/attachment), announced by an ordinary
 * message carrying its key, digest, thumbnail and voice metadata, and carried by core/src/transfer on the
 * link's transfer channel. Transfers outlive links: when a link drops, every transfer to that peer waits and
 * resumes from the receiver's last acknowledged chunk on the next link.
 *
 * Nothing holds a whole file. Over a direct link the sender reads the platform's FileSource once, encrypting
 * each chunk as the transfer asks for it: the announcing message carries the key but not the digest, which
 * follows the last chunk as the transfer's trailer, sealed under the file's key. Through the relay it reads
 * the file twice, since the upload is named by the ciphertext's SHA-256 and the message must carry the
 * digest. The receiver decrypts each chunk as it arrives, writes it to the platform's FileSink, and reports
 * the file only once the digest checked out.
 */
export class FileManager {
  readonly #sessions: TransferSessions;
  /** Our transfers under way, by the id of the message announcing them. */
  readonly #sending = new Map<string, TransferSender>();
  readonly #receiving = new Map<string, TransferReceiver>();
  /** Whom each of our direct transfers goes to (to tell them of a cancel). */
  readonly #recipients = new Map<string, ProtocolAddress>();
  /** Relay uploads and downloads under way, by message id: what `cancel` flips. */
  readonly #relayTransfers = new Map<string, CancelFlag>();
  /** Transfers a person cancelled: their failure is not reported as one. */
  readonly #cancelled = new Set<string>();
  #restored = false;
  /** What each file message was, for drawing it again after a restart (`ParleyClient.fileInfo`). */
  readonly records: FileRecords;

  constructor(
    private readonly ctx: EngineContext,
    private readonly queueMessage: QueueFileMessage,
    connect: (peer: PeerAddress) => void,
    /** Whether the peer can be reached over a direct link now. */
    private readonly reachable: (peer: PeerAddress) => Promise<boolean>,
    /**
     * A relay's attachment API, when the platform gave the engine `fetch` and SHA-256: the recipient's
     * relay for an upload, our own for a download.
     */
    private readonly relay: (recipient?: string) => RelayAttachments | undefined,
    private readonly options: FileOptions,
    private readonly drafts: FileDrafts,
  ) {
    this.records = new FileRecords(ctx.state);
    this.#sessions = new TransferSessions(connect);
  }

  /** Seals the file, sends the message announcing it, and starts the transfer; resolves the message id. */
  async send(conversationId: string, recipient: ProtocolAddress, file: OutgoingFile): Promise<string> {
    const { messageId, uploaded } = await this.start(conversationId, recipient, file);
    await uploaded;
    return messageId;
  }

  /**
   * Like `send`, but resolves as soon as the message shows: through the relay, `uploaded` settles when the
   * bytes are there and the message has gone (it rejects on failure or cancel, the message then failed);
   * over a link it is already settled, the transfer running behind the message.
   */
  async start(
    conversationId: string,
    recipient: ProtocolAddress,
    file: OutgoingFile,
  ): Promise<{ messageId: string; uploaded: Promise<void> }> {
    const source = 'source' in file ? file.source : bytesSource(file.bytes, file.name, file.mimeType);
    if (source.size > this.options.maxBytes) throw new ParleyError('PAYLOAD_TOO_LARGE', 'file is too large');
    const peer = peerOf(recipient);
    const relay = this.relay(recipient.name);
    const viaRelay = relay !== undefined && !(await this.reachable(peer));
    const extras = fileBodyExtras(file);
    const text = file.caption ?? source.name;
    const transferId = this.ctx.newId();
    // Chosen now so that upload progress already names the message it belongs to.
    const messageId = namespacedId(this.ctx.self.name, this.ctx.newId());
    await this.records.put(outgoingFileInfo(messageId, source, file));
    if (viaRelay) {
      const flag: CancelFlag = { cancelled: false };
      this.#relayTransfers.set(messageId, flag);
      const { uploaded } = await sendViaRelay(
        { ctx: this.ctx, records: this.records, drafts: this.drafts, relay, flag },
        { id: messageId, conversationId, recipient, text },
        source,
        transferId,
        extras,
        peer.identity,
      );
      const settled = uploaded.then(() => this.#sent(messageId));
      void settled.finally(() => this.#relayTransfers.delete(messageId)).catch(() => undefined);
      return { messageId, uploaded: settled };
    }
    // Direct: one pass, encrypting as the transfer reads; the digest trails the last chunk.
    const prepared = prepareFile(source.size, this.ctx.crypto);
    const body: FileBody = {
      type: 'file',
      transferId,
      name: source.name,
      mimeType: source.mimeType,
      size: prepared.ciphertextSize,
      descriptor: serializeAttachmentKeys(prepared.keys),
      ...extras,
    };
    await this.queueMessage({ id: messageId, conversationId, recipient, body, text });
    const record: OutgoingFileRecord = {
      messageId,
      transferId,
      recipient,
      prepared,
      ...(source.reopen === undefined ? {} : { source: source.reopen }),
    };
    // Kept until the transfer ends, so it survives an app restart (restore()).
    await this.ctx.state.put(OUTGOING_FILE_PREFIX + transferId, encodeOutgoingRecord(record));
    this.#startSending(record, source);
    return { messageId, uploaded: Promise.resolve() };
  }

  /**
   * A person cancels a file still moving, sending or receiving: a relay upload or download stops before its
   * next piece; a direct transfer stops at both ends (the peer's side reports 'file-cancelled' by 'remote').
   */
  cancel(messageId: string): void {
    const flag = this.#relayTransfers.get(messageId);
    if (flag !== undefined) {
      flag.cancelled = true;
      return;
    }
    const sender = this.#sending.get(messageId);
    const endpoint = sender ?? this.#receiving.get(messageId);
    if (endpoint === undefined) throw new ParleyError('NOT_FOUND', 'no transfer of that file is under way');
    endpoint.cancel(PERSON_CANCELLED);
    // A receiver that never joined the transfer (offline, no link yet) would wait for it forever: tell it.
    const recipient = sender === undefined ? undefined : this.#recipients.get(messageId);
    if (recipient !== undefined) {
      void this.ctx
        .sendControl([recipient], { type: 'file-cancelled', target: messageId })
        .catch((error: unknown) => this.#report(error));
    }
  }

  /** The sender of `messageId` cancelled it: stop waiting for (or receiving) it. Only its sender may. */
  async cancelledBySender(from: ProtocolAddress, messageId: string): Promise<void> {
    const message = await this.ctx.db.messages.get(messageId);
    if (message === undefined || message.sender.name !== from.name) return;
    const info = await this.records.get(messageId);
    if (info === undefined || info.state !== 'transferring' || this.#cancelled.has(messageId)) return;
    this.#cancelled.add(messageId); // so our own stop below is not reported as ours
    this.#receiving.get(messageId)?.cancel(PERSON_CANCELLED);
    await this.records.cancel(messageId, 'remote');
    this.ctx.emit('file-cancelled', { messageId, direction: 'receive', by: 'remote' });
  }

  /** A transfer ended by a person's cancel, at either end: recorded, and told once. */
  #onCancel(messageId: string, direction: 'send' | 'receive', by: 'local' | 'remote', reason: string): void {
    if (reason !== PERSON_CANCELLED || this.#cancelled.has(messageId)) return; // reported otherwise
    this.#cancelled.add(messageId);
    void (async () => {
      await this.records.cancel(messageId, by);
      this.ctx.emit('file-cancelled', { messageId, direction, by });
    })().catch((error: unknown) => this.#report(error));
  }

  /**
   * After a restart: every file that was going over a direct link resumes where the receiver's checkpoint
   * says (same key and nonces, so the same ciphertext), once a link to the peer opens. A file whose source
   * cannot be opened again (bytes that were in memory, a file gone or changed) fails with the reason.
   */
  async restore(): Promise<void> {
    if (this.#restored) return;
    this.#restored = true;
    await this.#restoreReceiving();
    for (const key of await this.ctx.state.keys(OUTGOING_FILE_PREFIX)) {
      const record = decodeOutgoingRecord(await this.ctx.state.get(key), ciphertextSize);
      if (record === undefined) {
        await this.ctx.state.delete(key);
        continue;
      }
      if (this.#sending.has(record.messageId)) continue;
      let source: FileSource;
      try {
        if (record.source === undefined)
          throw new ParleyError('UNAVAILABLE', 'the file was in memory when the app restarted');
        if (this.options.reopen === undefined)
          throw new ParleyError('UNAVAILABLE', 'this app cannot open files again after a restart');
        source = await this.options.reopen(record.source);
        if (source.size !== record.prepared.keys.size) {
          await source.close?.();
          throw new ParleyError('CONFLICT', 'the file to send changed size');
        }
      } catch (error) {
        const reason = error instanceof Error ? error.message : 'the file could not be opened again';
        await this.#failSending(record.messageId, record.recipient, `transfer not resumed: ${reason}`);
        // The recipient would otherwise wait for bytes that never come: say so, end-to-end encrypted.
        await this.ctx.sendControl([record.recipient], {
          type: 'file-withdrawn',
          target: record.messageId,
          reason: reason.slice(0, 256),
        });
        await this.ctx.state.delete(key);
        continue;
      }
      this.#startSending(record, source, () => source.close?.());
    }
  }

  #startSending(record: OutgoingFileRecord, source: FileSource, closeSource?: () => unknown): void {
    const { messageId, transferId, prepared } = record;
    const ciphertext = new EncryptingReader(source, prepared, this.ctx.crypto);
    const sender = new TransferSender({
      id: transferId,
      size: ciphertext.size,
      source: ciphertext,
      trailer: async () =>
        toBase64Url(
          sealAttachmentDigest(prepared.keys, prepared.header, await ciphertext.digest(), this.ctx.crypto),
        ),
    });
    sender.on('progress', ({ bytes, total }) =>
      this.ctx.emit('file-progress', { messageId, direction: 'send', bytes, total }),
    );
    sender.on('cancel', ({ by, reason }) => this.#onCancel(messageId, 'send', by, reason));
    this.#sending.set(messageId, sender);
    this.#recipients.set(messageId, record.recipient);
    void sender.done
      .catch(() => undefined)
      .finally(async () => {
        this.#sending.delete(messageId);
        this.#recipients.delete(messageId);
        await this.ctx.state.delete(OUTGOING_FILE_PREFIX + transferId);
        await closeSource?.();
      })
      .catch((error: unknown) => this.#report(error));
    this.#track(peerOf(record.recipient), sender, sender.done, () => this.#sent(messageId), {
      messageId,
      direction: 'send',
    });
  }

  async #sent(messageId: string): Promise<void> {
    await this.records.setState(messageId, 'complete');
    this.ctx.emit('file-sent', { messageId });
  }

  /** Fails our file message `messageId` to `recipient` with `reason`: its state, and a 'file-failed' event. */
  async #failSending(messageId: string, recipient: ProtocolAddress, reason: string): Promise<void> {
    const entry = (await this.ctx.db.outbox.forMessage(messageId)).find(
      (candidate) =>
        candidate.recipient.name === recipient.name && candidate.recipient.deviceId === recipient.deviceId,
    );
    if (entry === undefined || entry.state === 'failed') return;
    await this.ctx.db.outbox.markAttempt(entry.id, { result: 'failed', error: reason });
    // Recorded before the transfer is cancelled, whose failure then adds no second 'file-failed'.
    await this.records.setState(messageId, 'failed');
    this.#sending.get(messageId)?.cancel(reason.slice(0, 256));
    await refreshMessageState(this.ctx, messageId);
    this.ctx.emit('file-failed', { messageId, direction: 'send', reason });
  }

  /** A message announcing a file arrived: receive it over the link or from the relay, decrypting as it comes. */
  async receive(sender: ProtocolAddress, messageId: string, body: FileBody): Promise<void> {
    const size = (() => {
      try {
        return deserializeAttachmentKeys(body.descriptor).size;
      } catch {
        return 0; // #receive refuses it with a clear reason
      }
    })();
    await this.records.put({
      messageId,
      direction: 'receive',
      name: body.name,
      mimeType: body.mimeType,
      size,
      ...(body.caption === undefined ? {} : { caption: body.caption }),
      ...(body.thumbnail === undefined ? {} : { thumbnail: fromBase64Url(body.thumbnail) }),
      ...(body.voice === undefined ? {} : { voice: body.voice }),
      state: 'transferring',
    });
    this.ctx.emit('file-offered', {
      messageId,
      name: body.name,
      mimeType: body.mimeType,
      ...(body.thumbnail === undefined ? {} : { thumbnail: fromBase64Url(body.thumbnail) }),
      ...(body.voice === undefined ? {} : { voice: body.voice }),
    });
    void this.#receive(sender, messageId, body).catch((error: unknown) =>
      this.#failed(error, { messageId, direction: 'receive' }),
    );
  }

  /**
   * The recipient of our file message `messageId` cannot take it: that message is failed with its reason.
   * Only that recipient may say so (the ratchet authenticated the sender of the refusal).
   */
  async refused(from: ProtocolAddress, messageId: string, reason: string): Promise<void> {
    await this.#failSending(messageId, from, `the recipient cannot take the file: ${reason}`);
  }

  /**
   * The sender of file message `messageId` cannot send it after all: our transfer stops, and the file
   * fails with its reason. Only the device that announced the file may withdraw it (the ratchet
   * authenticated `from`); anyone else's word changes nothing.
   */
  async withdrawn(from: ProtocolAddress, messageId: string, reason: string): Promise<void> {
    const message = await this.ctx.db.messages.get(messageId);
    if (message === undefined || message.sender.name !== from.name) return;
    const receiver = this.#receiving.get(messageId);
    if (receiver === undefined) return;
    this.#receiving.delete(messageId);
    const why = `the sender cannot send the file: ${reason}`;
    await this.records.setState(messageId, 'failed');
    receiver.cancel(why.slice(0, 256));
    this.ctx.emit('file-failed', { messageId, direction: 'receive', reason: why });
  }

  /**
   * After a restart: every file that was coming over a direct link continues from its checkpoint, into the
   * same sink, if the sink factory can open it again (`resumes`); otherwise from its first byte.
   */
  async #restoreReceiving(): Promise<void> {
    for (const key of await this.ctx.state.keys(INCOMING_FILE_PREFIX)) {
      const record = decodeIncomingRecord(await this.ctx.state.get(key));
      if (record === undefined || (await this.records.get(record.messageId))?.state !== 'transferring') {
        await this.ctx.state.delete(key);
        continue;
      }
      if (this.#receiving.has(record.messageId)) continue;
      const { messageId, sender, body } = record;
      const resumable = this.options.sink.resumes === true ? record : { messageId, sender, body };
      void this.#receive(record.sender, record.messageId, record.body, resumable).catch((error: unknown) =>
        this.#failed(error, { messageId: record.messageId, direction: 'receive' }),
      );
    }
  }

  async #receive(
    sender: ProtocolAddress,
    messageId: string,
    body: FileBody,
    restored?: IncomingFileRecord,
  ): Promise<void> {
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
      // Tell the sender (an end-to-end encrypted control message), so its message fails with the reason
      // instead of waiting for a transfer that will never start.
      const reason = refusalReason(error);
      const to = { name: sender.name, deviceId: sender.deviceId || PRIMARY_DEVICE };
      await this.ctx.sendControl([to], { type: 'file-refused', target: messageId, reason });
      await this.records.setState(messageId, 'failed');
      this.ctx.emit('file-failed', { messageId, direction: 'receive', reason });
      throw error;
    }
    const transferChunkSize = restored?.transferChunkSize;
    const checkpoint = transferChunkSize === undefined ? undefined : restored?.checkpoint;
    const writer = new DecryptingWriter(sink, descriptor, this.ctx.crypto, checkpoint);
    const arrived = async () => {
      await this.records.setState(messageId, 'complete');
      this.ctx.emit('file', {
        ...info,
        size: descriptor.size,
        ...(sink instanceof MemoryFileSink ? { bytes: sink.bytes } : {}),
        ...(body.voice === undefined ? {} : { voice: body.voice }),
      });
    };
    const abort = () => sink.abort().catch(() => undefined);
    if (body.relayHash !== undefined) {
      const relay = this.relay();
      const flag: CancelFlag = { cancelled: false };
      this.#relayTransfers.set(messageId, flag);
      try {
        if (relay === undefined) throw new ParleyError('UNAVAILABLE', 'no attachment API configured');
        await relay.download(
          body.relayHash,
          body.size,
          (offset, bytes) => writer.write(offset, bytes),
          (bytes, total) => this.ctx.emit('file-progress', { messageId, direction: 'receive', bytes, total }),
          () => flag.cancelled,
        );
        await writer.finish();
      } catch (error) {
        await abort();
        if (flag.cancelled) this.#onCancel(messageId, 'receive', 'local', PERSON_CANCELLED);
        throw error;
      } finally {
        this.#relayTransfers.delete(messageId);
      }
      await relay.acknowledge(body.relayHash);
      await arrived();
      return;
    }
    const from = { name: sender.name, deviceId: sender.deviceId || PRIMARY_DEVICE };
    const { receiver, ended } = await resumableReceiver({
      state: this.ctx.state,
      file: { messageId, sender: from, body },
      writer,
      trailing: descriptor.digest === undefined,
      attachmentChunkSize: descriptor.chunkSize,
      ...(checkpoint === undefined || transferChunkSize === undefined
        ? {}
        : { resume: { checkpoint, transferChunkSize } }),
      report: (error) => this.#report(error),
    });
    receiver.on('progress', ({ bytes, total }) =>
      this.ctx.emit('file-progress', { messageId, direction: 'receive', bytes, total }),
    );
    receiver.on('cancel', ({ by, reason }) => this.#onCancel(messageId, 'receive', by, reason));
    this.#receiving.set(messageId, receiver);
    void receiver.done
      .catch(abort)
      .finally(async () => {
        this.#receiving.delete(messageId);
        await ended();
      })
      .catch((error: unknown) => this.#report(error));
    this.#track(peerOf(sender), receiver, receiver.done, arrived, { messageId, direction: 'receive' });
  }

  #report(error: unknown): void {
    this.ctx.emit(
      'error',
      error instanceof ParleyError
        ? error
        : new ParleyError('INTERNAL', 'file transfer failed', { cause: error }),
    );
  }

  /** A transfer failed for good: its record says so, and 'file-failed' tells the screen why. */
  #failed(error: unknown, file: { messageId: string; direction: 'send' | 'receive' }): void {
    if (this.#cancelled.has(file.messageId)) return; // a person's cancel, already told
    this.#report(error);
    const reason = error instanceof Error ? error.message : 'file transfer failed';
    void (async () => {
      // A refusal already failed it, with the peer's reason: one 'file-failed' per file.
      if ((await this.records.get(file.messageId))?.state === 'failed') return;
      await this.records.setState(file.messageId, 'failed');
      this.ctx.emit('file-failed', { ...file, reason });
    })().catch((failure: unknown) => this.#report(failure));
  }

  /** A new link's transfer session: every transfer with that peer attaches (or resumes) on it. */
  adopt(peer: PeerAddress, session: TransferSession): void {
    this.#sessions.adopt(peer, session);
  }

  #track(
    peer: PeerAddress,
    endpoint: TransferEndpoint,
    done: Promise<void>,
    onDone: () => Promise<void>,
    file: { messageId: string; direction: 'send' | 'receive' },
  ): void {
    const forget = this.#sessions.attach(peer, endpoint);
    done.then(
      () => {
        forget();
        onDone().catch((error: unknown) => this.#failed(error, file));
      },
      (error: unknown) => {
        forget();
        this.#failed(
          error instanceof ParleyError ? error : new ParleyError('INTERNAL', 'transfer failed'),
          file,
        );
      },
    );
  }
}
