import type { PreKeyBundle } from '../../protocol/directory.js';
import type { EngineContext } from '../context.js';
import { PREKEY_BATCH, currentBundle, newPreKeyBatch, rotateSignedPreKey } from './prekeys.js';
import type { RelayConnection } from '../relay/relay-connection.js';

/** Bounds on what a relay's `prekeys:low` can make this device do (docs/crypto.md, threat table). */
export interface PreKeyLimits {
  /** At most one replenishment per this long, however often the relay says it runs low. */
  readonly lowDebounceMs: number;
  /** Unused one-time prekeys kept at most; the oldest go first to make room for a new batch. */
  readonly maxStored: number;
  /**
   * An unused one-time prekey this old is deleted (a peer still holding it then starts without it failing
   * only that message). Longer than the relay's blob lifetime, so a deposited first message still opens.
   */
  readonly maxAgeMs: number;
}

export const DEFAULT_PREKEY_LIMITS: PreKeyLimits = {
  lowDebounceMs: 60_000,
  maxStored: 5 * PREKEY_BATCH,
  maxAgeMs: 60 * 24 * 60 * 60_000,
};

/** When each batch of one-time prekeys was made: ids first..last (sealed engine state). */
interface Batch {
  readonly first: number;
  readonly last: number;
  readonly createdAt: number;
}
const LEDGER = 'prekeys:batches';

/**
 * Keeps this device's prekey bundle on its home relay: published (a fresh batch the first time) on every
 * connect, replenished when the home relay runs low, and republished when the signed prekey rotates.
 * `prekeys:low` from any other relay is ignored, and from the home relay debounced; unused one-time prekeys
 * are capped and expire, so no relay can make this device generate and keep keys without bound.
 */
export class PreKeyPublisher {
  #lastReplenish = Number.NEGATIVE_INFINITY;
  #replenishing = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly rotation: { rotationMs: number; graceMs: number },
    private readonly isHome: (relay: RelayConnection) => boolean,
    private readonly limits: PreKeyLimits = DEFAULT_PREKEY_LIMITS,
  ) {}

  /** Rotates the signed prekey if due; true when it did (the bundle changed). */
  rotate(): Promise<boolean> {
    return rotateSignedPreKey(this.ctx.db, this.ctx.identity, this.ctx.crypto, this.rotation);
  }

  /** On connect: rotate if due, then publish the current bundle (a new batch if none is left). */
  async publish(relay: RelayConnection): Promise<void> {
    const { db, identity } = this.ctx;
    await this.rotate();
    const created = (await db.preKeys.oneTimePreKeyIds()).length === 0;
    const bundle = created ? await this.#newBatch() : await currentBundle(db, identity);
    await relay.request('prekeys:publish', { bundle });
  }

  /**
   * A relay says few one-time prekeys are left. Only the home relay holds ours; within `lowDebounceMs` of
   * the last replenishment (or during one) the notice is dropped. Resolves whether a batch was published.
   */
  async replenish(relay: RelayConnection): Promise<boolean> {
    if (!this.isHome(relay)) return false;
    const now = this.ctx.now();
    if (this.#replenishing || now - this.#lastReplenish < this.limits.lowDebounceMs) return false;
    this.#replenishing = true;
    this.#lastReplenish = now;
    try {
      await this.#prune(now);
      await relay.request('prekeys:publish', { bundle: await this.#newBatch() });
      return true;
    } finally {
      this.#replenishing = false;
    }
  }

  async republish(relay: RelayConnection): Promise<void> {
    await relay.request('prekeys:publish', { bundle: await currentBundle(this.ctx.db, this.ctx.identity) });
  }

  async #newBatch(): Promise<PreKeyBundle> {
    const { db, identity, crypto, state } = this.ctx;
    const bundle = await newPreKeyBatch(db, identity, crypto);
    const ids = bundle.oneTimePreKeys.map((key) => key.keyId);
    const batch: Batch = { first: Math.min(...ids), last: Math.max(...ids), createdAt: this.ctx.now() };
    await state.put(LEDGER, [...(await this.#ledger()), batch]);
    return bundle;
  }

  async #ledger(): Promise<Batch[]> {
    const stored = await this.ctx.state.get(LEDGER);
    return Array.isArray(stored) ? (stored as Batch[]) : [];
  }

  /** Deletes expired unused one-time prekeys, then the oldest beyond room for one more batch. */
  async #prune(now: number): Promise<void> {
    const { db, state } = this.ctx;
    const ledger = await this.#ledger();
    const ids = (await db.preKeys.oneTimePreKeyIds()).sort((a, b) => a - b);
    const dated = (id: number) => ledger.find((batch) => id >= batch.first && id <= batch.last);
    // Keys made before the ledger existed are dated from the first time we look.
    const undated = ids.filter((id) => dated(id) === undefined);
    if (undated.length > 0) {
      ledger.push({ first: Math.min(...undated), last: Math.max(...undated), createdAt: now });
    }
    const expired = ids.filter((id) => now - (dated(id)?.createdAt ?? now) >= this.limits.maxAgeMs);
    const expiredIds = new Set(expired);
    const live = ids.filter((id) => !expiredIds.has(id));
    const excess = Math.max(0, live.length + PREKEY_BATCH - this.limits.maxStored);
    const remove = new Set([...expired, ...live.slice(0, excess)]);
    for (const id of remove) await db.preKeys.removeOneTimePreKey(id);
    const left = ids.filter((id) => !remove.has(id));
    await state.put(
      LEDGER,
      ledger.filter((batch) => left.some((id) => id >= batch.first && id <= batch.last)),
    );
  }
}
