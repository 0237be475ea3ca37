import { ParleyError } from '../../../errors/index.js';
import { TypedEmitter } from '../../../link/typed-emitter.js';
import { HistorySender } from '../history/transfer.js';
import type { DeviceLinkChannel } from './channel.js';
import type { LinkEvents, LinkPhase, LinkingDeps } from './types.js';

/**
 * What the three linking flows share (the offer on the existing device, the join on the new one, and a
 * history resume): one phase that moves forward with a `phase` event, failing once with an `error` event,
 * and the existing device's side of moving the history.
 */
export abstract class LinkFlow extends TypedEmitter<LinkEvents> {
  #phase: LinkPhase = 'waiting';

  get phase(): LinkPhase {
    return this.#phase;
  }

  protected setPhase(phase: LinkPhase): void {
    if (this.#phase === phase) return;
    this.#phase = phase;
    this.emit('phase', phase);
  }

  protected fail(error: unknown): void {
    if (this.#phase === 'failed') return;
    this.setPhase('failed');
    this.emit('error', error instanceof ParleyError ? error : new ParleyError('INTERNAL', String(error)));
  }

  /** Streams the history over `channel` from the new device's checkpoint: transferring, then done or failed. */
  protected async sendHistory(
    deps: Pick<LinkingDeps, 'db' | 'state'>,
    channel: DeviceLinkChannel,
    from: Parameters<HistorySender['run']>[0],
  ): Promise<void> {
    this.setPhase('transferring');
    const sender = new HistorySender(channel, deps.db, deps.state, (progress) =>
      this.emit('progress', progress),
    );
    try {
      const messages = await sender.run(from);
      this.setPhase('done');
      this.emit('done', { messages });
    } catch (error) {
      this.fail(error);
    }
  }
}
