import type { ProtocolAddress } from '../../crypto/index.js';
import { LIMITS } from '../../protocol/limits.js';
import type { OutboxEntry } from '../../storage/index.js';
import type { EngineContext } from '../context.js';
import type { EngineTuning } from '../options.js';
import { recordMessageKind, type FileKindHint } from '../conversations/conversation-list.js';
import { controlConversationId } from '../shared/addresses.js';
import type { ContentBody } from './content.js';
import { OutboxPump } from './outbox-pump.js';
import {
  attemptBatch,
  draftOutgoing,
  isGroupEntry,
  releaseDraft,
  queueOutgoing,
  refreshMessageState,
  type QueueOptions,
  type SendRoutes,
} from './outgoing.js';

/**
 * The way out: every message and control message is written to the outbox (queueOutgoing) and the pump sends
 * it over a direct link or the relay (attemptBatch), in order per recipient device, retrying until it goes.
 */
export class Delivery {
  readonly #pump: OutboxPump;
  /** Who waits for a message's envelope to leave (queue's `handed`), by message id. */
  readonly #handoffs = new Map<string, () => void>();

  constructor(
    private readonly ctx: EngineContext,
    tuning: EngineTuning,
    private readonly routes: SendRoutes,
    /** A visible message was queued in this conversation (the chat list redraws it). */
    private readonly changed: (conversationId: string) => void,
  ) {
    this.#pump = new OutboxPump(
      ctx.db,
      ctx.timers,
      ctx.crypto.now,
      tuning.retry,
      (batch, mayGo) => this.#attempt(batch, mayGo),
      (entry) => refreshMessageState(ctx, entry.messageId),
      {
        maxEntries: tuning.batchMaxEntries,
        maxBytes: Math.min(tuning.batchMaxBytes, LIMITS.maxBlobBytes / 2),
        batchable: (entry) => !isGroupEntry(entry),
      },
    );
  }

  /** Runs the pump now; `recipients`: the devices something was just queued for. */
  kick(recipients?: readonly ProtocolAddress[]): void {
    this.#pump.kick(recipients);
  }

  /**
   * Writes a file announcement (one-to-one or group) and its outbox entries, then sends them. `handed` is
   * called once its envelope left: on a direct link (before the peer acknowledged it), or when its first
   * attempt ended otherwise (the relay, a failure): a direct file's first chunks go right behind it.
   */
  async queue(options: QueueOptions, handed?: () => void): Promise<string> {
    if (handed !== undefined && options.id !== undefined) this.#handoffs.set(options.id, handed);
    let content;
    try {
      content = await queueOutgoing(this.ctx, options);
    } catch (error) {
      if (options.id !== undefined) this.#handoffs.delete(options.id);
      throw error;
    }
    // It goes now (a file's transfer waits for it); the chat list's note of its kind is written meanwhile.
    this.#pump.kick();
    await recordMessageKind(this.ctx, content.id, options.body);
    this.changed(options.conversationId);
    return content.id;
  }

  /** Shows a file message whose bytes are still uploading; `release` sends it once they are on the relay. */
  async draft(
    draft: { id: string; conversationId: string; text: string; attachmentId: string },
    kind: FileKindHint,
  ): Promise<void> {
    await draftOutgoing(this.ctx, draft);
    await recordMessageKind(this.ctx, draft.id, kind);
    this.changed(draft.conversationId);
    // A screen showing the conversation learns of it here (it is in no 'message' event: nobody sent it).
    this.ctx.emit('message-state', {
      messageId: draft.id,
      conversationId: draft.conversationId,
      state: 'pending',
    });
  }

  async release(options: QueueOptions): Promise<void> {
    await releaseDraft(this.ctx, options);
    this.#pump.kick(options.recipients);
  }

  /** Queues a control message (receipt, edit, group change, …), logged under the control conversation. */
  async sendControl(
    recipients: readonly ProtocolAddress[],
    body: ContentBody,
    groupId?: string,
  ): Promise<string> {
    const content = await queueOutgoing(this.ctx, {
      conversationId: controlConversationId(this.ctx.self.name),
      recipients,
      body,
      ...(groupId === undefined ? {} : { groupId }),
    });
    this.#pump.kick(recipients);
    return content.id;
  }

  /** Resolves once nothing is in flight or due now (what a backup waits for). */
  async whenSettled(): Promise<void> {
    this.#pump.kick();
    await this.#pump.whenSettled();
  }

  close(): Promise<void> {
    this.#handoffs.clear();
    return this.#pump.close();
  }

  async #attempt(batch: readonly OutboxEntry[], mayGo: (sibling: OutboxEntry) => boolean): Promise<void> {
    const handed = () => {
      if (this.#handoffs.size === 0) return;
      for (const { messageId } of batch) {
        this.#handoffs.get(messageId)?.();
        this.#handoffs.delete(messageId);
      }
    };
    try {
      const settled = await attemptBatch(this.ctx, batch, this.routes, mayGo, handed);
      for (const sibling of settled) await refreshMessageState(this.ctx, sibling.messageId);
    } finally {
      handed();
    }
  }
}
