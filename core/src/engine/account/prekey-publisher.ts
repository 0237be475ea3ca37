import type { EngineContext } from '../context.js';
import { currentBundle, newPreKeyBatch, rotateSignedPreKey } from './prekeys.js';
import type { RelayConnection } from '../relay/relay-connection.js';

/**
 * Keeps this device's prekey bundle on its home relay: published (a fresh batch the first time) on every
 * connect, replenished when the relay runs low, and republished when the signed prekey rotates.
 */
export class PreKeyPublisher {
  constructor(
    private readonly ctx: EngineContext,
    private readonly rotation: { rotationMs: number; graceMs: number },
  ) {}

  /** Rotates the signed prekey if due; true when it did (the bundle changed). */
  rotate(): Promise<boolean> {
    return rotateSignedPreKey(this.ctx.db, this.ctx.identity, this.ctx.crypto, this.rotation);
  }

  /** On connect: rotate if due, then publish the current bundle (a new batch if none is left). */
  async publish(relay: RelayConnection): Promise<void> {
    const { db, identity, crypto } = this.ctx;
    await this.rotate();
    const created = (await db.preKeys.oneTimePreKeyIds()).length === 0;
    const bundle = created ? await newPreKeyBatch(db, identity, crypto) : await currentBundle(db, identity);
    await relay.request('prekeys:publish', { bundle });
  }

  /** The relay says few one-time prekeys are left. */
  async replenish(relay: RelayConnection): Promise<void> {
    const { db, identity, crypto } = this.ctx;
    await relay.request('prekeys:publish', { bundle: await newPreKeyBatch(db, identity, crypto) });
  }

  async republish(relay: RelayConnection): Promise<void> {
    await relay.request('prekeys:publish', { bundle: await currentBundle(this.ctx.db, this.ctx.identity) });
  }
}
