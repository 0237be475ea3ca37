import type { EngineStateStore } from '../shared/state-store.js';

/** One account's current reaction to a message. */
export interface Reaction {
  readonly from: string;
  readonly emoji: string;
  /** The reaction message's send time: a later one replaces an earlier one, whatever the arrival order. */
  readonly at: number;
}

/** What is stored per (message, account): the latest reaction, or its removal (kept so an older one cannot return). */
interface StoredReaction {
  readonly emoji: string | null;
  readonly at: number;
}

const prefix = (messageId: string): string => `reaction:${messageId}:`;

/**
 * Records `from`'s reaction to `messageId` (or its removal) unless a later one is stored already. Returns
 * whether it changed anything. One reaction per account and message: the latest wins.
 */
export async function recordReaction(
  state: EngineStateStore,
  messageId: string,
  from: string,
  emoji: string,
  removed: boolean,
  at: number,
): Promise<boolean> {
  const key = prefix(messageId) + from;
  const current = (await state.get(key)) as StoredReaction | undefined;
  if (current !== undefined && current.at > at) return false;
  const next: StoredReaction = { emoji: removed ? null : emoji, at };
  await state.put(key, next);
  return true;
}

/** The current reactions to `messageId`, one per account, ordered by account. */
export async function reactionsTo(state: EngineStateStore, messageId: string): Promise<Reaction[]> {
  const reactions: Reaction[] = [];
  for (const key of await state.keys(prefix(messageId))) {
    const stored = (await state.get(key)) as StoredReaction | undefined;
    if (stored === undefined || stored.emoji === null) continue;
    reactions.push({ from: key.slice(prefix(messageId).length), emoji: stored.emoji, at: stored.at });
  }
  return reactions;
}
