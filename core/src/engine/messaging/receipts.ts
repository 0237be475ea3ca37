import { addressKey, type ProtocolAddress } from '../../crypto/index.js';
import type { EngineTimers } from '../platform.js';

/** A receipt body names at most this many messages (content.ts); more are split across receipts. */
export const MAX_RECEIPT_IDS = 1000;

/** Engine-state keys of delivered receipts owed but not yet in the outbox (written with the messages). */
export const OWED_RECEIPT_PREFIX = 'receipt-owed:';

/** The row `commitIncomingBatch` writes with the messages whose delivered receipt is owed to `to`. */
export interface OwedReceipt {
  readonly to: ProtocolAddress;
  readonly ids: readonly string[];
}

/** Where owed receipts live: the client database's engine state (the row is written in the message's transaction). */
export interface OwedReceiptStore {
  get(key: string): Promise<unknown>;
  delete(key: string): Promise<void>;
  keys(prefix: string): Promise<string[]>;
}

/** The key of the receipt owed for a batch stored from `from` whose first visible message is `firstId`. */
export function owedReceiptKey(from: ProtocolAddress, firstId: string): string {
  return `${OWED_RECEIPT_PREFIX}${addressKey(from)}:${firstId}`;
}

function isOwedReceipt(value: unknown): value is OwedReceipt {
  if (typeof value !== 'object' || value === null) return false;
  const { to, ids } = value as Partial<OwedReceipt>;
  return (
    typeof to?.name === 'string' &&
    typeof to.deviceId === 'number' &&
    Array.isArray(ids) &&
    ids.every((id) => typeof id === 'string')
  );
}

/**
 * Coalesces delivered receipts: the ids stored from one device wait `delayMs` (on the injected timers) for
 * more, then leave as one receipt message — itself end-to-end encrypted and sent through the outbox like any
 * message. A burst of N messages so costs a few receipts instead of N, and the DH ratchet turns once per
 * burst instead of once per message.
 *
 * The window costs nothing if the app dies inside it: the incoming transaction that stored the messages also
 * wrote what is owed (`owedReceiptKey`), and that row is deleted only once the receipt is in the outbox.
 * `recover()` on start sends whatever a crash left owed. A crash between the two writes sends a receipt
 * twice, which its sender ignores (states only move forward).
 */
export class ReceiptBatcher {
  readonly #waiting = new Map<string, { to: ProtocolAddress; ids: string[]; owed: string[] }>();
  #timer: unknown;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly timers: EngineTimers,
    private readonly delayMs: number,
    private readonly send: (to: ProtocolAddress, ids: readonly string[]) => Promise<void>,
    private readonly report: (error: unknown) => void,
    private readonly owed?: OwedReceiptStore,
  ) {}

  /** Queues delivered receipts for `ids`, stored from `to`; `owedKey` names the row that records the debt. */
  delivered(to: ProtocolAddress, ids: readonly string[], owedKey?: string): void {
    if (ids.length === 0 || this.#closed) return;
    this.#add(to, ids, owedKey);
    if (this.delayMs <= 0) {
      void this.flush();
      return;
    }
    this.#timer ??= this.timers.setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.delayMs);
  }

  /** Sends now every receipt a previous run stored the messages for but never wrote to the outbox. */
  async recover(): Promise<void> {
    if (this.owed === undefined) return;
    for (const key of await this.owed.keys(OWED_RECEIPT_PREFIX)) {
      const value = await this.owed.get(key);
      if (isOwedReceipt(value)) this.#add(value.to, value.ids, key);
      else await this.owed.delete(key); // Not ours to interpret: never retried forever.
    }
    await this.flush();
  }

  /** Writes every waiting receipt to the outbox now; resolves once they are written. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) this.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = [...this.#waiting.values()];
    this.#waiting.clear();
    this.#flushing = this.#flushing.then(async () => {
      for (const { to, ids, owed } of batch) {
        try {
          for (let start = 0; start < ids.length; start += MAX_RECEIPT_IDS) {
            await this.send(to, ids.slice(start, start + MAX_RECEIPT_IDS));
          }
          // In the outbox now, which resends it across restarts: the debt is paid.
          for (const key of owed) await this.owed?.delete(key);
        } catch (error) {
          // The row stays: the next start tries again.
          this.report(error);
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

  #add(to: ProtocolAddress, ids: readonly string[], owedKey: string | undefined): void {
    const key = addressKey(to);
    let waiting = this.#waiting.get(key);
    if (waiting === undefined) {
      waiting = { to: { ...to }, ids: [], owed: [] };
      this.#waiting.set(key, waiting);
    }
    waiting.ids.push(...ids);
    if (owedKey !== undefined) waiting.owed.push(owedKey);
  }
}
