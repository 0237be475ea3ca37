import { ParleyError } from '@parley/core';
import type { RelayContext } from '../context.js';

/**
 * Refuses new bytes once the relay as a whole holds `storageMaxBytes` (blob payloads plus attachments).
 * Per-identity quotas do not bound an open relay, where identities are free. Checked before the write, so
 * concurrent writers may pass it by at most their own sizes.
 */
export async function checkStorageCeiling(ctx: RelayContext, incoming: number): Promise<void> {
  const [blobs, attachments] = await Promise.all([ctx.store.blobs.stats(), ctx.store.attachments.stats()]);
  if (blobs.bytes + attachments.bytes + incoming > ctx.config.storageMaxBytes) {
    throw new ParleyError(
      'QUOTA_EXCEEDED',
      "the relay's storage is full; try again after others collect theirs",
    );
  }
}
