import { ParleyError, isParleyError } from '../../errors/index.js';
import type { ProtocolAddress } from '../../crypto/index.js';
import type { PeerAddress } from '../../link/link-manager.js';
import type { TransferReceiver } from '../../transfer/receiver.js';
import type { TransferSender } from '../../transfer/sender.js';
import type { TransferSession } from '../../transfer/session.js';
import type { TransferEndpoint } from '../../transfer/types.js';
import type { EngineContext } from '../context.js';
import type { FileRecords } from './file-records.js';
import type { CancelFlag } from './relay-send.js';
import { TransferSessions } from './transfer-sessions.js';

/** Which file, which way: what a failure or a cancel is reported about. */
export interface FileRef {
  readonly messageId: string;
  readonly direction: 'send' | 'receive';
}

/**
 * The files moving now, at both ends, shared by sending (file-sending.ts), receiving (file-receiving.ts) and
 * cancellation (file-cancellation.ts): who is under way by message id, and how one that ends for good is
 * recorded and told, once.
 */
export class FileTransfers {
  readonly #sessions: TransferSessions;
  /** Our transfers under way, by the id of the message announcing them. */
  readonly sending = new Map<string, TransferSender>();
  readonly receiving = new Map<string, TransferReceiver>();
  /** Whom each of our direct transfers goes to (to tell them of a cancel). */
  readonly recipients = new Map<string, ProtocolAddress>();
  /** Relay uploads and downloads under way, by message id: what `cancel` flips. */
  readonly relayTransfers = new Map<string, CancelFlag>();
  /** Transfers a person cancelled: their failure is not reported as one. */
  readonly cancelled = new Set<string>();

  constructor(
    readonly ctx: EngineContext,
    /** What each file message was, for drawing it again after a restart (`ParleyClient.fileInfo`). */
    readonly records: FileRecords,
    connect: (peer: PeerAddress) => void,
  ) {
    this.#sessions = new TransferSessions(connect);
  }

  report(error: unknown): void {
    this.ctx.emit(
      'error',
      error instanceof ParleyError
        ? error
        : new ParleyError('INTERNAL', 'file transfer failed', { cause: error }),
    );
  }

  /** Whether the client is closing (or closed): what stops then is taken up by the next start. */
  closing(): boolean {
    try {
      this.ctx.assertOpen();
      return false;
    } catch {
      return true;
    }
  }

  /** A transfer failed for good: its record says so, and 'file-failed' tells the screen why. */
  failed(error: unknown, file: FileRef): void {
    if (this.cancelled.has(file.messageId)) return; // a person's cancel, already told
    // Stopped by the app closing (TransferReceiver's `keep`): not a failure, the next start resumes it.
    if (isParleyError(error, 'CLOSED') && this.closing()) return;
    this.report(error);
    const reason = error instanceof Error ? error.message : 'file transfer failed';
    void (async () => {
      // A refusal already failed it, with the peer's reason: one 'file-failed' per file.
      if ((await this.records.get(file.messageId))?.state === 'failed') return;
      await this.records.setState(file.messageId, 'failed', reason);
      this.ctx.emit('file-failed', { ...file, reason });
    })().catch((failure: unknown) => this.report(failure));
  }

  /** A new link's transfer session: every transfer with that peer attaches (or resumes) on it. */
  adopt(peer: PeerAddress, session: TransferSession): void {
    this.#sessions.adopt(peer, session);
  }

  /** A direct transfer this device refused: the peer's link lets go of its hello and held burst at once. */
  forget(peer: PeerAddress, transferId: string): void {
    this.#sessions.forget(peer, transferId);
  }

  /**
   * Runs a direct transfer on the peer's sessions, now and after every reconnect, until `done` settles:
   * then `onDone`, or the failure reported.
   */
  track(
    peer: PeerAddress,
    endpoint: TransferEndpoint,
    done: Promise<void>,
    onDone: () => Promise<void>,
    file: FileRef,
  ): void {
    const forget = this.#sessions.attach(peer, endpoint);
    done.then(
      () => {
        forget();
        onDone().catch((error: unknown) => this.failed(error, file));
      },
      (error: unknown) => {
        forget();
        this.failed(
          error instanceof ParleyError ? error : new ParleyError('INTERNAL', 'transfer failed'),
          file,
        );
      },
    );
  }
}
