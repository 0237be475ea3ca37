import { setNewest } from './bounded-map.js';
import type { TransferChunk, TransferMessage } from './protocol.js';

type Trailer = Extract<TransferMessage, { t: 'trailer' }>;

/** What one link holds, at most, of eager chunks for transfers nobody attached yet. */
export const EARLY_BYTES_PER_LINK = 2 * 1024 * 1024;
/** How many transfers' eager chunks one link holds at once. */
const EARLY_TRANSFERS_PER_LINK = 4;
/** A hold nobody claimed by then is let go (its file was refused, or its message never came). */
const HOLD_MS = 30_000;
/** `eager` announcements waiting for their hello (the peer chooses the ids: bounded). */
const MAX_ANNOUNCED = 64;

interface Hold {
  readonly eager: number;
  readonly chunks: TransferChunk[];
  bytes: number;
  readonly since: number;
  /** A file the burst carried whole: its trailer comes right behind it, before anyone attached. */
  trailer?: Trailer;
}

/** A refused eager burst: its chunks are dropped as they come, in order, until it ends. */
interface Skip {
  next: number;
  readonly end: number;
}

/**
 * The chunks a sender streams right behind a new transfer's first hello (announced by `eager`), before the receiver has
 * opened the message that announces the file, so the link carries bytes during the set-up's round trips.
 * They are peer input that no message has vouched for yet, so they are held within a budget per link
 * (EARLY_BYTES_PER_LINK, EARLY_TRANSFERS_PER_LINK), only in order from chunk 0 and only as many as the hello
 * announced. A burst that does not fit is dropped whole and its receiver is not told of the announcement: it
 * then acks the hello without `took`, and the sender starts again from the ack (protocol.ts).
 */
export class EarlyChunks {
  readonly #announced = new Map<string, number>();
  readonly #holds = new Map<string, Hold>();
  readonly #skips = new Map<string, Skip>();
  #bytes = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Bytes held now, for every transfer on this link. */
  get heldBytes(): number {
    return this.#bytes;
  }

  /** `eager` for a transfer nobody attached: its hello comes next. */
  announce(id: string, chunks: number): void {
    setNewest(this.#announced, id, chunks, MAX_ANNOUNCED);
  }

  /** The hello of a transfer nobody attached: if `eager` announced it, hold its burst within the budget. */
  hello(id: string): void {
    const eager = this.#announced.get(id);
    this.release(id);
    if (eager === undefined) return;
    this.#expire();
    if (this.#holds.size >= EARLY_TRANSFERS_PER_LINK) this.#skips.set(id, { next: 0, end: eager });
    else this.#holds.set(id, { eager, chunks: [], bytes: 0, since: this.now() });
  }

  /**
   * A chunk for a transfer nobody attached: true if it was held, or dropped as part of a refused burst;
   * false if it is none of this class's business.
   */
  hold(chunk: TransferChunk): boolean {
    const hold = this.#holds.get(chunk.id);
    if (hold === undefined) return this.skips(chunk);
    const size = chunk.bytes.byteLength;
    if (
      chunk.index === hold.chunks.length &&
      chunk.index < hold.eager &&
      this.#bytes + size <= EARLY_BYTES_PER_LINK
    ) {
      // Copied: the link may reuse the memory of a message once its handler returned.
      hold.chunks.push({ ...chunk, bytes: chunk.bytes.slice() });
      hold.bytes += size;
      this.#bytes += size;
      return true;
    }
    // Out of order, past what the hello announced, or over the budget: the burst is refused whole, and what
    // is left of it dropped as it comes (nothing is, after its last chunk: no skip then, which `skipping`
    // would otherwise report for every later chunk on the link).
    this.release(chunk.id);
    if (chunk.index + 1 < hold.eager) this.#skips.set(chunk.id, { next: chunk.index + 1, end: hold.eager });
    return true;
  }

  /** The trailer of a transfer whose burst is held: kept with it (true), else none of this class's business. */
  holdTrailer(trailer: Trailer): boolean {
    const hold = this.#holds.get(trailer.id);
    if (hold === undefined) return false;
    hold.trailer = trailer;
    return true;
  }

  /**
   * Whether a chunk belongs to a refused burst and is dropped. A chunk out of the burst's sequence is the
   * sender starting again from the receiver's ack: the skip ends there and the chunk goes through.
   */
  skips(chunk: TransferChunk): boolean {
    const skip = this.#skips.get(chunk.id);
    if (skip === undefined) return false;
    if (chunk.index !== skip.next || chunk.index >= skip.end) {
      this.#skips.delete(chunk.id);
      return false;
    }
    skip.next += 1;
    if (skip.next >= skip.end) this.#skips.delete(chunk.id);
    return true;
  }

  /** Whether a refused burst of this transfer is still being dropped (worth a lookup per chunk only then). */
  get skipping(): boolean {
    return this.#skips.size > 0;
  }

  /**
   * The receiver attaches: the burst held for it so far (its `eager` announcement to pass on, and its chunks
   * in order), or undefined if none is (its receiver then acks without `took`). Chunks of a held burst still
   * on their way go to it directly.
   */
  claim(
    id: string,
  ): { eager: number; chunks: readonly TransferChunk[]; trailer: Trailer | undefined } | undefined {
    const hold = this.#holds.get(id);
    this.#drop(id);
    this.#announced.delete(id);
    return hold === undefined ? undefined : { eager: hold.eager, chunks: hold.chunks, trailer: hold.trailer };
  }

  /** Lets go of a transfer's held chunks (its hello was dropped, or a new one came). */
  release(id: string): void {
    this.#drop(id);
    this.#announced.delete(id);
    this.#skips.delete(id);
  }

  clear(): void {
    this.#announced.clear();
    this.#holds.clear();
    this.#skips.clear();
    this.#bytes = 0;
  }

  #drop(id: string): void {
    const hold = this.#holds.get(id);
    if (hold === undefined) return;
    this.#holds.delete(id);
    this.#bytes -= hold.bytes;
  }

  #expire(): void {
    const cutoff = this.now() - HOLD_MS;
    for (const [id, hold] of this.#holds) if (hold.since < cutoff) this.#drop(id);
  }
}
