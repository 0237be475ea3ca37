import { ParleyError } from '../../errors/index.js';
import type { PeerAddress } from '../../link/link-manager.js';
import type { TransferSession } from '../../transfer/session.js';
import type { EngineContext } from '../context.js';
import type { Recipients } from '../messaging/messages-service.js';
import type { QueueOptions } from '../messaging/outgoing.js';
import type { RelayAttachments } from '../relay/relay-attachments.js';
import { FileManager } from './file-manager.js';
import type { FileSource } from './file-io.js';
import type { FileInfo } from './file-records.js';
import { GroupFiles } from './group-files.js';
import type { FileOptions, OutgoingFile } from './types.js';
import type { FileDrafts } from './relay-send.js';

export interface FileRoutes {
  /**
   * Writes a file announcement and its outbox entries and sends them; resolves the message id. `handed`:
   * called once its envelope left (Delivery.queue).
   */
  queue(options: QueueOptions, handed?: () => void): Promise<string>;
  /** Opens a direct link to the peer (transfers attach to its session). */
  connect(peer: PeerAddress): void;
  /** Whether the peer can be reached over a direct link now. */
  reachable(peer: PeerAddress): Promise<boolean>;
  /** A relay's attachment API (the recipient's, or our own without one); undefined without `fetch`. */
  attachments(recipient?: string): RelayAttachments | undefined;
  /** A file message shown while its bytes upload, then sent. */
  drafts: FileDrafts;
}

/**
 * `client.files`: sending files to a conversation (one-to-one over the direct link or the relay's attachment
 * API, to a group once through the relay) and what each file message carries.
 */
export class FilesService {
  /** One-to-one transfers; incoming file messages and new link sessions go to it. */
  readonly manager: FileManager;
  readonly #group: GroupFiles;

  constructor(
    private readonly ctx: EngineContext,
    private readonly recipients: Recipients,
    routes: FileRoutes,
    options: FileOptions,
  ) {
    this.manager = new FileManager(
      ctx,
      ({ id, conversationId, recipient, body, text }, handed) =>
        routes.queue({ id, conversationId, recipients: [recipient], body, text }, handed),
      (peer) => routes.connect(peer),
      (peer) => routes.reachable(peer),
      (recipient) => routes.attachments(recipient),
      options,
      routes.drafts,
    );
    this.#group = new GroupFiles(ctx, {
      maxBytes: options.maxBytes,
      sealer: options.sealer,
      records: this.manager.records,
      relay: (recipient) => routes.attachments(recipient),
      queue: (message) => routes.queue(message),
    });
  }

  /**
   * Sends a file (image, video, voice message, anything) to a conversation: the message announcing it goes
   * like any message. One-to-one, the bytes go over the direct link and resume if it drops, or through the
   * relay when the peer is offline; to a group, they are uploaded once to the relay for every member
   * (group-files.ts). Large files come as a FileSource, read a chunk at a time.
   */
  async send(conversationId: string, file: OutgoingFile): Promise<string> {
    this.ctx.assertOpen();
    const { recipients, groupId } = await this.recipients(conversationId);
    // A group, or a one-to-one with several devices (linked devices): one relay upload for all of them.
    if (groupId !== undefined || recipients.length > 1)
      return this.#group.send(conversationId, groupId, recipients, file);
    const [recipient] = recipients;
    if (recipient === undefined) throw new ParleyError('BAD_REQUEST', 'a conversation without a recipient');
    return this.manager.send(conversationId, recipient, file);
  }

  /**
   * Like `send`, without waiting for a relay upload: resolves once the message shows (its id), with
   * `uploaded`, which settles when the bytes are on the relay and the message has gone (rejecting if the
   * upload failed or was cancelled). What an app calls so that nothing waits on the upload.
   */
  async start(
    conversationId: string,
    file: OutgoingFile,
  ): Promise<{ messageId: string; uploaded: Promise<void> }> {
    this.ctx.assertOpen();
    const { recipients, groupId } = await this.recipients(conversationId);
    if (groupId !== undefined || recipients.length > 1) {
      // A group upload names its message first too, but is not drafted yet: it resolves when sent.
      const messageId = await this.#group.send(conversationId, groupId, recipients, file);
      return { messageId, uploaded: Promise.resolve() };
    }
    const [recipient] = recipients;
    if (recipient === undefined) throw new ParleyError('BAD_REQUEST', 'a conversation without a recipient');
    return this.manager.start(conversationId, recipient, file);
  }

  /**
   * Cancels a file still moving (ours going out, or one coming in): it stops at both ends and shows as
   * cancelled ('file-cancelled'). NOT_FOUND when nothing of that file is moving.
   */
  cancel(messageId: string): void {
    this.ctx.assertOpen();
    this.manager.cancel(messageId);
  }

  /**
   * Uploads a file message whose relay upload failed (or stopped when the app closed) again: `source` is the
   * same file (the app's own copy, or the person chose it again); without it, the platform reopens the file
   * (`reopenFileSource`). Resolves once the message shows pending again, with `uploaded` as `start` gives it.
   * NOT_FOUND when that message has no failed upload, UNAVAILABLE when the file cannot be opened again,
   * CONFLICT when `source` is not the same size.
   */
  async retry(messageId: string, source?: FileSource): Promise<{ uploaded: Promise<void> }> {
    this.ctx.assertOpen();
    return this.manager.retry(messageId, source);
  }

  /**
   * What a file message carries (name, type, size, caption, thumbnail, voice) and whether its bytes arrived
   * (or reached the peer); undefined for a message that is not a file. Kept across restarts.
   */
  async info(messageId: string): Promise<FileInfo | undefined> {
    this.ctx.assertOpen();
    return this.manager.records.get(messageId);
  }

  /** Files that were going over direct links before a restart resume (once, on the first connection). */
  restore(): void {
    void this.manager.restore().catch((error: unknown) => this.ctx.report(error));
  }

  adopt(peer: PeerAddress, session: TransferSession): void {
    this.manager.adopt(peer, session);
  }
}
