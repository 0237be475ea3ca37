import {
  LIMITS,
  ParleyError,
  recallReceiptMessage,
  toBase64Url,
  toUint8Array,
  type RecallReceiptBody,
} from '@parley/core';
import { checkStorageCeiling } from '../../store/ceiling.node.js';
import { identityRoom } from '../rooms.js';
import type { EventHandler } from './types.js';

export const depositBlob: EventHandler<'blob:deposit'> = {
  // The payload plus up to 1,024 recipients of 43 characters.
  maxBytes: LIMITS.maxBlobBytes + 64 * 1024,
  async handle({ recipients, payload, ttlSeconds }, { ctx, hub, session, afterAck }) {
    const now = ctx.now();
    const ttl = Math.min(ttlSeconds ?? ctx.config.blobTtlSeconds, ctx.config.blobTtlSeconds);
    const unique = [...new Set(recipients)];
    const blob = { payload: toUint8Array(payload), depositedAt: now, expiresAt: now + ttl * 1000 };
    await checkStorageCeiling(ctx, blob.payload.byteLength);
    // The ack waits for the store: once the sender hears ok, the blob survives a crash.
    const { id } = await ctx.store.blobs.deposit(
      { sender: session.me, recipients: unique, ...blob },
      ctx.config.blobQuota,
    );
    afterAck(() => hub.deliverBlob(unique, { id, ...blob }));
    return { id, depositedAt: blob.depositedAt, expiresAt: blob.expiresAt };
  },
};

export const ackBlobs: EventHandler<'blob:ack'> = {
  async handle({ ids }, { ctx, hub, session }) {
    const deliveredAt = ctx.now();
    const recipient = session.me;
    const keepUntil = deliveredAt + ctx.config.deliveryRecordTtlSeconds * 1000;
    const changed = await ctx.store.blobs.ack(recipient, [...new Set(ids)], deliveredAt, keepUntil);
    for (const { id, sender } of changed) {
      hub.io.to(identityRoom(sender)).emit('blob:delivered', { id, recipient, deliveredAt });
    }
    return { acknowledged: changed.length };
  },
};

export const ackNotices: EventHandler<'notice:ack'> = {
  async handle({ notices }, { ctx, session }) {
    return { acknowledged: await ctx.store.blobs.ackNotices(session.me, notices) };
  },
};

export const recallBlob: EventHandler<'blob:recall'> = {
  async handle({ id }, { ctx, session }) {
    const outcome = await ctx.store.blobs.recall(session.me, id);
    if (!outcome) throw new ParleyError('NOT_FOUND', 'no such blob of yours is held');
    if (outcome.recalledFor.length === 0 && outcome.pushedTo.length === 0) {
      throw new ParleyError('ALREADY_DELIVERED', 'every recipient already received it');
    }
    // A copy pushed to a connected socket may have been read although it was never acknowledged: the receipt
    // lists it with the delivered ones, and `recalledFor` only names recipients the bytes never went to.
    const body: RecallReceiptBody = {
      blobId: id,
      recalledFor: [...outcome.recalledFor].sort(),
      deliveredTo: [...new Set([...outcome.deliveredTo, ...outcome.pushedTo])].sort(),
      recalledAt: ctx.now(),
      relayKey: toBase64Url(ctx.relayKey.publicKey),
    };
    const signature = toBase64Url(ctx.relayKey.sign(recallReceiptMessage(body)));
    return { receipt: { ...body, signature } };
  },
};
