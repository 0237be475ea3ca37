import type { ProtocolAddress } from '../../crypto/index.js';
import type { StateEntry } from '../../storage/index.js';
import type { PeerAddress } from '../../link/link-manager.js';
import type { TransferSession } from '../../transfer/session.js';
import type { EngineContext } from '../context.js';
import { cancelTransfer, cancelledBySender } from './file-cancellation.js';
import { FileReceiving } from './file-receiving.js';
import { answerFinishedTransfers } from './finished-transfers.js';
import { FileRecords } from './file-records.js';
import { FileSending } from './file-sending.js';
import { FileTransfers } from './file-transfers.js';
import type { FileSource } from './file-io.js';
import type { FileDrafts } from './relay-send.js';
import type { FileBody, FileOptions, OutgoingFile, QueueFileMessage } from './types.js';
import type { RelayAttachments } from '../relay/relay-attachments.js';

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
 *
 * This class only joins the parts: sending (file-sending.ts), receiving (file-receiving.ts) and cancels
 * (file-cancellation.ts), over the transfers under way that they share (file-transfers.ts).
 */
export class FileManager {
  readonly #transfers: FileTransfers;
  readonly #sending: FileSending;
  readonly #receiving: FileReceiving;
  #restored = false;
  /** What each file message was, for drawing it again after a restart (`ParleyClient.fileInfo`). */
  readonly records: FileRecords;

  constructor(
    ctx: EngineContext,
    queueMessage: QueueFileMessage,
    connect: (peer: PeerAddress) => void,
    /** Whether the peer can be reached over a direct link now. */
    reachable: (peer: PeerAddress) => Promise<boolean>,
    /**
     * A relay's attachment API, when the platform gave the engine `fetch` and SHA-256: the recipient's
     * relay for an upload, our own for a download.
     */
    relay: (recipient?: string) => RelayAttachments | undefined,
    options: FileOptions,
    drafts: FileDrafts,
  ) {
    this.records = new FileRecords(ctx.state);
    this.#transfers = new FileTransfers(ctx, this.records, connect);
    this.#sending = new FileSending(this.#transfers, queueMessage, reachable, relay, options, drafts);
    this.#receiving = new FileReceiving(this.#transfers, () => relay(), options);
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
  start(
    conversationId: string,
    recipient: ProtocolAddress,
    file: OutgoingFile,
  ): Promise<{ messageId: string; uploaded: Promise<void> }> {
    return this.#sending.start(conversationId, recipient, file);
  }

  /**
   * A person cancels a file still moving, sending or receiving: a relay upload or download stops before its
   * next piece; a direct transfer stops at both ends (the peer's side reports 'file-cancelled' by 'remote').
   */
  cancel(messageId: string): void {
    cancelTransfer(this.#transfers, messageId);
  }

  /** The sender of `messageId` cancelled it: stop waiting for (or receiving) it. Only its sender may. */
  cancelledBySender(from: ProtocolAddress, messageId: string): Promise<void> {
    return cancelledBySender(this.#transfers, from, messageId);
  }

  /**
   * After a restart: every file that was coming over a direct link continues from its checkpoint, every
   * file that was going resumes where the receiver's checkpoint says, once a link to the peer opens, and an
   * upload to the relay the app closed on starts again or fails with its reason (then `retry`).
   */
  async restore(): Promise<void> {
    if (this.#restored) return;
    this.#restored = true;
    await this.#receiving.restore();
    await this.#sending.restore();
    await this.#sending.uploads.restore();
  }

  /** Uploads a failed relay upload again (relay-uploads.ts); `source` is the same file, else it is reopened. */
  retry(messageId: string, source?: FileSource): Promise<{ uploaded: Promise<void> }> {
    return this.#sending.uploads.retry(messageId, source);
  }

  /**
   * A message announcing a file is about to be stored: a direct file new here starts its transfer beside the
   * store's write; the returned function is told whether the message was stored (FileReceiving.prestart).
   */
  prestart(sender: ProtocolAddress, messageId: string, body: FileBody): (stored: boolean) => void {
    return this.#receiving.prestart(sender, messageId, body);
  }

  /** What to store with a message announcing a file, in its transaction (FileReceiving.storedWith). */
  storedWith(sender: ProtocolAddress, messageId: string, body: FileBody): readonly StateEntry[] {
    return this.#receiving.storedWith(sender, messageId, body);
  }

  /** A message announcing a file arrived: receive it over the link or from the relay, decrypting as it comes. */
  receive(sender: ProtocolAddress, messageId: string, body: FileBody): Promise<void> {
    return this.#receiving.receive(sender, messageId, body);
  }

  /** The recipient of our file message `messageId` cannot take it: that message fails with its reason. */
  refused(from: ProtocolAddress, messageId: string, reason: string): Promise<void> {
    return this.#sending.refused(from, messageId, reason);
  }

  /** The sender of file message `messageId` cannot send it after all: our transfer stops, the file fails. */
  withdrawn(from: ProtocolAddress, messageId: string, reason: string): Promise<void> {
    return this.#receiving.withdrawn(from, messageId, reason);
  }

  /**
   * A new link's transfer session: every transfer with that peer attaches (or resumes) on it, and a hello
   * for a file this device already received whole from that peer is answered `done` (finished-transfers.ts).
   */
  adopt(peer: PeerAddress, session: TransferSession): void {
    const { ctx } = this.#transfers;
    answerFinishedTransfers(session, peer, ctx.state, this.records, (error) => this.#transfers.report(error));
    this.#transfers.adopt(peer, session);
  }
}
