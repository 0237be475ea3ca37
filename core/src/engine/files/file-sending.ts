import { ParleyError } from '../../errors/index.js';
import { sealAttachmentDigest, serializeAttachmentKeys, type ProtocolAddress } from '../../crypto/index.js';
import type { PeerAddress } from '../../link/link-manager.js';
import { toBase64Url } from '../../protocol/encoding.js';
import { TransferSender } from '../../transfer/sender.js';
import { peerOf } from '../shared/addresses.js';
import { EncryptingReader, ciphertextSize, prepareFile } from './attachment-stream.js';
import { onCancel } from './file-cancellation.js';
import { bytesSource, type FileSource } from './file-io.js';
import type { FileTransfers } from './file-transfers.js';
import {
  OUTGOING_FILE_PREFIX,
  decodeOutgoingRecord,
  encodeOutgoingRecord,
  type OutgoingFileRecord,
} from './outgoing-record.js';
import type { FileDrafts } from './relay-send.js';
import { RelayUploads } from './relay-uploads.js';
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
 * A new file's first chunks go right behind its hello, before the receiver's first ack (protocol.ts,
 * `eager`): 1 MiB, about what the link carries while the receiver opens the announcing message, and half of
 * what a receiver holds for a link before that (transfer/early-chunks.ts).
 */
const EAGER_CHUNKS = 64;

/**
 * The sending end of a file: sealed once, announced by a message, then carried over the direct link (one
 * pass, encrypting as the transfer reads) or uploaded to the recipient's relay when the peer is not reachable.
 * A direct transfer's record is kept until it ends, so it resumes after an app restart.
 */
export class FileSending {
  constructor(
    private readonly transfers: FileTransfers,
    private readonly queueMessage: QueueFileMessage,
    /** Whether the peer can be reached over a direct link now. */
    private readonly reachable: (peer: PeerAddress) => Promise<boolean>,
    /** The recipient's relay's attachment API, when the platform gave the engine `fetch` and SHA-256. */
    private readonly relay: (recipient?: string) => RelayAttachments | undefined,
    private readonly options: FileOptions,
    drafts: FileDrafts,
  ) {
    this.uploads = new RelayUploads(transfers, relay, options, drafts, (messageId) => this.#sent(messageId));
  }

  /** Uploads to the recipient's relay while the peer is offline, kept across restarts. */
  readonly uploads: RelayUploads;

  /**
   * Seals the file and sends the message announcing it; resolves as soon as the message shows: through the
   * relay, `uploaded` settles when the bytes are there and the message has gone (it rejects on failure or
   * cancel, the message then failed); over a link it is already settled, the transfer running behind it.
   */
  async start(
    conversationId: string,
    recipient: ProtocolAddress,
    file: OutgoingFile,
  ): Promise<{ messageId: string; uploaded: Promise<void> }> {
    const { ctx, records } = this.transfers;
    const source = 'source' in file ? file.source : bytesSource(file.bytes, file.name, file.mimeType);
    if (source.size > this.options.maxBytes) throw new ParleyError('PAYLOAD_TOO_LARGE', 'file is too large');
    const peer = peerOf(recipient);
    const relay = this.relay(recipient.name);
    const viaRelay = relay !== undefined && !(await this.reachable(peer));
    const extras = fileBodyExtras(file);
    const text = file.caption ?? source.name;
    const transferId = ctx.newId();
    // Chosen now so that upload progress already names the message it belongs to.
    const messageId = namespacedId(ctx.self.name, ctx.newId());
    const recorded = records.put(outgoingFileInfo(messageId, source, file));
    if (viaRelay) {
      await recorded;
      const { uploaded } = await this.uploads.start(
        { id: messageId, conversationId, recipient, text },
        source,
        file,
        transferId,
        peer.identity,
      );
      return { messageId, uploaded };
    }
    // Direct: one pass, encrypting as the transfer reads; the digest trails the last chunk.
    const prepared = prepareFile(source.size, ctx.crypto);
    const body: FileBody = {
      type: 'file',
      transferId,
      name: source.name,
      mimeType: source.mimeType,
      size: prepared.ciphertextSize,
      descriptor: serializeAttachmentKeys(prepared.keys),
      ...extras,
    };
    const record: OutgoingFileRecord = {
      messageId,
      transferId,
      recipient,
      prepared,
      ...(source.reopen === undefined ? {} : { source: source.reopen }),
    };
    // Kept until the transfer ends, so it survives an app restart (restore()); written with the file's
    // record, before the message exists, so the transfer starts the moment the message is stored, and a
    // restart finds the record of every transfer a message announced. One left by a failure below is
    // dropped by restore() if its message was never stored, and resumed if it was.
    await Promise.all([
      recorded,
      ctx.state.put(OUTGOING_FILE_PREFIX + transferId, encodeOutgoingRecord(record)),
    ]);
    // The burst waits for the announcing envelope to be on the link: behind 1 MiB of chunks, the message
    // the receiver needs before it can take them would come last.
    let announced!: () => void;
    const handed = new Promise<void>((resolve) => (announced = resolve));
    await this.queueMessage({ id: messageId, conversationId, recipient, body, text }, announced);
    this.#startSending(record, source, { eager: EAGER_CHUNKS, after: handed });
    return { messageId, uploaded: Promise.resolve() };
  }

  /**
   * After a restart: every file that was going over a direct link resumes where the receiver's checkpoint
   * says (same key and nonces, so the same ciphertext), once a link to the peer opens. A file whose source
   * cannot be opened again (bytes that were in memory, a file gone or changed) fails with the reason.
   */
  async restore(): Promise<void> {
    const { ctx } = this.transfers;
    for (const key of await ctx.state.keys(OUTGOING_FILE_PREFIX)) {
      const record = decodeOutgoingRecord(await ctx.state.get(key), ciphertextSize);
      // No message announced it (the app stopped between the two writes): nobody waits for it.
      if (record === undefined || (await ctx.db.messages.get(record.messageId)) === undefined) {
        await ctx.state.delete(key);
        continue;
      }
      if (this.transfers.sending.has(record.messageId)) continue;
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
        await ctx.sendControl([record.recipient], {
          type: 'file-withdrawn',
          target: record.messageId,
          reason: reason.slice(0, 256),
        });
        await ctx.state.delete(key);
        continue;
      }
      this.#startSending(record, source, { closeSource: () => source.close?.() });
    }
  }

  /**
   * The recipient of our file message `messageId` cannot take it: that message is failed with its reason.
   * Only that recipient may say so (the ratchet authenticated the sender of the refusal).
   */
  async refused(from: ProtocolAddress, messageId: string, reason: string): Promise<void> {
    await this.#failSending(messageId, from, `the recipient cannot take the file: ${reason}`);
  }

  #startSending(
    record: OutgoingFileRecord,
    source: FileSource,
    {
      eager,
      after,
      closeSource,
    }: { eager?: number; after?: Promise<void>; closeSource?: () => unknown } = {},
  ): void {
    const { ctx } = this.transfers;
    const { messageId, transferId, prepared } = record;
    // The sender copies each chunk into its link frame before it reads the next: one box serves every chunk
    // (or, with the client's sealer, a few batches sealed on its thread ahead of the reads).
    const { sealer } = this.options;
    const ciphertext = new EncryptingReader(source, prepared, ctx.crypto, {
      reuseMemory: true,
      ...(sealer === undefined ? {} : { sealer }),
    });
    const sender = new TransferSender({
      id: transferId,
      size: ciphertext.size,
      source: ciphertext,
      ...(eager === undefined ? {} : { eager }),
      ...(after === undefined ? {} : { eagerAfter: after }),
      trailer: async () =>
        toBase64Url(
          sealAttachmentDigest(prepared.keys, prepared.header, await ciphertext.digest(), ctx.crypto),
        ),
    });
    sender.on('progress', ({ bytes, total }) =>
      ctx.emit('file-progress', { messageId, direction: 'send', bytes, total }),
    );
    sender.on('cancel', ({ by, reason }) => onCancel(this.transfers, messageId, 'send', by, reason));
    this.transfers.sending.set(messageId, sender);
    this.transfers.recipients.set(messageId, record.recipient);
    void sender.done
      .catch(() => undefined)
      .finally(async () => {
        this.transfers.sending.delete(messageId);
        this.transfers.recipients.delete(messageId);
        ciphertext.close();
        await ctx.state.delete(OUTGOING_FILE_PREFIX + transferId);
        await closeSource?.();
      })
      .catch((error: unknown) => this.transfers.report(error));
    this.transfers.track(peerOf(record.recipient), sender, sender.done, () => this.#sent(messageId), {
      messageId,
      direction: 'send',
    });
  }

  async #sent(messageId: string): Promise<void> {
    await this.transfers.records.setState(messageId, 'complete');
    this.transfers.ctx.emit('file-sent', { messageId });
  }

  /** Fails our file message `messageId` to `recipient` with `reason`: its state, and a 'file-failed' event. */
  async #failSending(messageId: string, recipient: ProtocolAddress, reason: string): Promise<void> {
    const { ctx } = this.transfers;
    const entry = (await ctx.db.outbox.forMessage(messageId)).find(
      (candidate) =>
        candidate.recipient.name === recipient.name && candidate.recipient.deviceId === recipient.deviceId,
    );
    if (entry === undefined || entry.state === 'failed') return;
    await ctx.db.outbox.markAttempt(entry.id, { result: 'failed', error: reason });
    // Recorded before the transfer is cancelled, whose failure then adds no second 'file-failed'.
    await this.transfers.records.setState(messageId, 'failed', reason);
    this.transfers.sending.get(messageId)?.cancel(reason.slice(0, 256));
    await refreshMessageState(ctx, messageId);
    ctx.emit('file-failed', { messageId, direction: 'send', reason });
  }
}
