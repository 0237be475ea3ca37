import type { ConversationSummary } from '@parley/core';

/** Case- and accent-insensitive form used to match names. */
export function foldForSearch(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

/** The chats whose name contains every word of the query, in the given (recency) order. */
export function filterChats(
  chats: readonly ConversationSummary[],
  query: string,
): readonly ConversationSummary[] {
  const words = foldForSearch(query)
    .split(/\s+/u)
    .filter((word) => word !== '');
  if (words.length === 0) return chats;
  return chats.filter(({ title }) => {
    const name = foldForSearch(title);
    return words.every((word) => name.includes(word));
  });
}
