import type { EngineContext } from '../context.js';

/*
 * Disappearing messages: each conversation's timer, and the expiry of every message sent or received under
 * one (`expire:<messageId>` → time), swept by ParleyClient.sweep().
 */

export async function conversationTimer(ctx: EngineContext, conversationId: string): Promise<number | null> {
  const value = await ctx.state.get(`timer:${conversationId}`);
  return typeof value === 'number' ? value : null;
}

export async function scheduleExpiry(ctx: EngineContext, messageId: string, at: number): Promise<void> {
  await ctx.state.put(`expire:${messageId}`, at);
}

/** Deletes (as tombstones) the messages whose time has come and reports each one. */
export async function sweepExpired(ctx: EngineContext): Promise<void> {
  const now = ctx.now();
  for (const key of await ctx.state.keys('expire:')) {
    const at = await ctx.state.get(key);
    if (typeof at !== 'number' || at > now) continue;
    const messageId = key.slice('expire:'.length);
    await ctx.db.messages.deleteForEveryone(messageId, now);
    await ctx.state.delete(key);
    ctx.emit('message-deleted', { messageId, reason: 'expired' });
  }
}
