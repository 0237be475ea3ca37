import { ParleyError } from '../../../errors/index.js';
import type { ClientDatabase } from '../../../storage/index.js';
import type { EngineStateStore } from '../../shared/state-store.js';
import type { DeviceLinkChannel } from '../linking/channel.js';
import { countHistory, exportHistory } from './export.js';
import { importHistoryBatch } from './import.js';
import type { HistoryBatch, HistoryCheckpoint } from './wire.js';

export interface HistoryProgress {
  /** Messages sent (sender) or stored (receiver) so far, this transfer and the ones it resumed. */
  readonly messages: number;
  readonly total: number;
}

/** Batch size by path: the relay's signals hold at most 64 KiB, the direct path takes far more per frame. */
export const HISTORY_BATCH_BYTES = { direct: 256 * 1024, relay: 24 * 1024 } as const;
/** Batches sent ahead of the receiver's acks: enough to keep the link busy while it writes. */
export const HISTORY_WINDOW = 4;

/**
 * The existing device's half: exports from the receiver's checkpoint and sends batch after batch, at most
 * HISTORY_WINDOW ahead of the acks (the receiver acks a batch once it is stored), so memory holds a few
 * batches whatever the history's size. Resolves with the number of messages once the last batch is acked.
 */
export class HistorySender {
  #acked = -1;
  #wake: (() => void) | undefined;
  #closed: ParleyError | undefined;

  constructor(
    private readonly channel: DeviceLinkChannel,
    private readonly db: ClientDatabase,
    private readonly state: EngineStateStore,
    private readonly onProgress: (progress: HistoryProgress) => void,
  ) {
    channel.on('message', (message) => {
      if (message.t !== 'history-ack') return;
      this.#acked = Math.max(this.#acked, message.seq);
      this.#poke();
    });
    channel.on('close', ({ error }) => {
      this.#closed = error ?? new ParleyError('CLOSED', 'the device-link channel closed');
      this.#poke();
    });
  }

  async run(from: HistoryCheckpoint | undefined): Promise<number> {
    const path = await this.channel.ready();
    const total = await countHistory(this.db);
    let seq = 0;
    let messages = from?.sent ?? 0;
    const batches = exportHistory(this.db, this.state, from, { batchBytes: HISTORY_BATCH_BYTES[path] });
    for await (const { items, next } of batches) {
      await this.#until(() => seq - this.#acked <= HISTORY_WINDOW);
      await this.channel.send({ t: 'history-batch', seq, items, next, total });
      seq += 1;
      messages = next.sent;
      this.onProgress({ messages, total });
    }
    await this.#until(() => this.#acked >= seq - 1);
    await this.channel.send({ t: 'history-end', messages });
    return messages;
  }

  #poke(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #until(condition: () => boolean): Promise<void> {
    for (;;) {
      if (this.#closed !== undefined) throw this.#closed;
      if (condition()) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}

/**
 * The new device's half: stores each batch in order (one at a time: a batch is acked only once stored, with
 * its checkpoint), and reports progress. A batch out of order ends the channel: the sender resumes from the
 * checkpoint on a new one.
 */
export class HistoryReceiver {
  #expected = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly channel: DeviceLinkChannel,
    private readonly db: ClientDatabase,
    private readonly state: EngineStateStore,
    private readonly onProgress: (progress: HistoryProgress) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  receive(batch: HistoryBatch): void {
    if (batch.seq !== this.#expected) {
      this.channel.close(new ParleyError('BAD_REQUEST', `history batch ${batch.seq} out of order`));
      return;
    }
    this.#expected += 1;
    this.#queue = this.#queue.then(async () => {
      if (this.channel.closed) return;
      try {
        await importHistoryBatch(this.db, this.state, batch);
        this.onProgress({ messages: batch.next.sent, total: batch.total });
        await this.channel.send({ t: 'history-ack', seq: batch.seq });
      } catch (error) {
        this.onError(error);
        this.channel.close(error instanceof ParleyError ? error : undefined);
      }
    });
  }

  /** Resolves once every batch received so far is stored. */
  idle(): Promise<void> {
    return this.#queue;
  }
}
