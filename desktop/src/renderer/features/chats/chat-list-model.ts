import type { ConversationSummary } from '@parley/core';
import { compareChats } from '../../app/data/chat-order.js';

/** As WhatsApp: at most three chats stay pinned on top. */
export const MAX_PINNED = 3;

export interface ChatSections {
  /** The main list: not archived, pinned first, then by recency. */
  readonly chats: readonly ConversationSummary[];
  /** Archived chats, most recent first (a new message keeps a chat here: "keep chats archived"). */
  readonly archived: readonly ConversationSummary[];
  /** Unread messages waiting in archived chats. */
  readonly archivedUnread: number;
}

export function splitChats(list: readonly ConversationSummary[]): ChatSections {
  const chats: ConversationSummary[] = [];
  const archived: ConversationSummary[] = [];
  for (const chat of list) (chat.archived ? archived : chats).push(chat);
  return {
    chats: chats.sort(compareChats),
    archived: archived.sort(compareChats),
    archivedUnread: archived.reduce((sum, chat) => sum + chat.unreadCount, 0),
  };
}

/** Why this chat cannot be pinned now, or undefined when it can. */
export function pinRefusal(list: readonly ConversationSummary[], id: string): string | undefined {
  const pinned = list.filter((chat) => chat.pinned && !chat.archived && chat.id !== id).length;
  return pinned >= MAX_PINNED ? `You can only pin up to ${MAX_PINNED} chats` : undefined;
}

/** The second line of a row: the message preview, "You: …" or "Name: …" in groups. */
export function previewLine(chat: ConversationSummary, senderName: (account: string) => string): string {
  const last = chat.lastMessage;
  if (last === undefined) return '';
  if (last.kind === 'deleted') return 'This message was deleted';
  const icon = { text: '', photo: '📷 ', video: '🎥 ', voice: '🎤 ', file: '📎 ' }[last.kind];
  const who =
    chat.kind === 'group' ? (last.direction === 'outgoing' ? 'You: ' : `${senderName(last.sender)}: `) : '';
  return `${who}${icon}${last.preview}`;
}
