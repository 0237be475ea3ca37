import { addressKey, type ProtocolAddress } from '../../crypto/index.js';
import type { EngineTimers } from '../platform.js';

/** A receipt body names at most this many messages (content.ts); more are split across receipts. */
export const MAX_RECEIPT_IDS = 1000;

/**
 * Coalesces delivered receipts: the ids stored from one device wait `delayMs` (on the injected timers) for
 * more, then leave as one receipt message — itself end-to-end encrypted and sent through the outbox like any
 * message. A burst of N messages so costs a few receipts instead of N, and the DH ratchet turns once per
 * burst instead of once per message. `close()` writes what is still waiting to the outbox.
 *
 * What waits here is in memory only: if the app dies within `delayMs` of storing a message, the sender does
 * not hear that it was delivered (the message itself is stored, and its sender keeps it as sent).
 */
export class ReceiptBatcher {
  readonly #waiting = new Map<string, { to: ProtocolAddress; ids: string[] }>();
  #timer: unknown;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly timers: EngineTimers,
    private readonly delayMs: number,
    private readonly send: (to: ProtocolAddress, ids: readonly string[]) => Promise<void>,
    private readonly report: (error: unknown) => void,
  ) {}

  /** Queues delivered receipts for `ids`, stored from `to`. */
  delivered(to: ProtocolAddress, ids: readonly string[]): void {
    if (ids.length === 0 || this.#closed) return;
    const key = addressKey(to);
    const waiting = this.#waiting.get(key);
    if (waiting === undefined) this.#waiting.set(key, { to: { ...to }, ids: [...ids] });
    else waiting.ids.push(...ids);
    if (this.delayMs <= 0) {
      void this.flush();
      return;
    }
    this.#timer ??= this.timers.setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.delayMs);
  }

  /** Writes every waiting receipt to the outbox now; resolves once they are written. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) this.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = [...this.#waiting.values()];
    this.#waiting.clear();
    this.#flushing = this.#flushing.then(async () => {
      for (const { to, ids } of batch) {
        for (let start = 0; start < ids.length; start += MAX_RECEIPT_IDS) {
          try {
            await this.send(to, ids.slice(start, start + MAX_RECEIPT_IDS));
          } catch (error) {
            this.report(error);
          }
        }
      }
    });
    return this.#flushing;
  }

  /** Writes what is waiting and takes no more. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return this.#flushing;
    this.#closed = true;
    await this.flush();
  }
}
