import type { MessageSortKey, StoredMessage } from '@parley/core';

/** The storage layer's total order (sender time, counter, account, device, id), oldest first. */
export function compareSortKeys(a: MessageSortKey, b: MessageSortKey): number {
  for (let index = 0; index < 5; index += 1) {
    const x = a[index as 0] as number | string;
    const y = b[index as 0] as number | string;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/**
 * Merges freshly read messages into what a conversation shows: one entry per id (the fresher copy wins, so
 * states, edits and deletions show), oldest first.
 */
export function mergeMessages(
  current: readonly StoredMessage[],
  fresh: readonly StoredMessage[],
): StoredMessage[] {
  const byId = new Map(current.map((message) => [message.id, message]));
  for (const message of fresh) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => compareSortKeys(a.sortKey, b.sortKey));
}
