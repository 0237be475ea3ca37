import { TransferIdSchema, chunkCount, type TransferMessage } from './protocol.js';
import type { TransferEndpoint, TransferPort, TransferState } from './types.js';

/**
 * The receiving end of a transfer that completed in an earlier run of this app: its file is written,
 * verified and kept, but the receiver that did it is gone, and its `done` may never have reached the sender
 * (the app stopped right after keeping the file). A sender that still holds the transfer says hello again;
 * this answers as that receiver would have once complete: every chunk acknowledged, then `done` ok. The
 * caller attaches it only after checking that the transfer is one this device completed, from that peer.
 */
export class FinishedTransfer implements TransferEndpoint {
  readonly role = 'receiver';
  readonly state: TransferState = 'complete';
  readonly id: string;

  /** `size`: the transfer's size in bytes, as the message announcing the file said. */
  constructor(
    id: string,
    private readonly size: number,
  ) {
    this.id = TransferIdSchema.parse(id);
  }

  attach(): void {}

  detach(): void {}

  /** A hello for this transfer, of the size it had, is answered; anything else is not for a finished file. */
  handle(message: TransferMessage, port: TransferPort): void {
    if (message.t !== 'hello' || message.id !== this.id || message.size !== this.size) return;
    const sent = (promise: Promise<void>) => promise.catch(() => undefined); // a closed link: its next hello
    void sent(port.send({ t: 'ack', id: this.id, next: chunkCount(this.size, message.chunkSize) }));
    void sent(port.send({ t: 'done', id: this.id, ok: true }));
  }
}
