import type { ConversationSummary } from '@parley/core';

/** The chat list's order (the engine's too): pinned first, then the most recently active; ties by id. */
export function compareChats(a: ConversationSummary, b: ConversationSummary): number {
  return (
    Number(b.pinned) - Number(a.pinned) ||
    b.lastActivity - a.lastActivity ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** The list with this row replaced (or added, for a new chat), in chat-list order. */
export function upsertChat(
  list: readonly ConversationSummary[],
  summary: ConversationSummary,
): readonly ConversationSummary[] {
  const rest = list.filter((chat) => chat.id !== summary.id);
  return [...rest, summary].sort(compareChats);
}
