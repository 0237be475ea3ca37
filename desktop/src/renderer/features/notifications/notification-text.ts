import type { StoredMessage } from '@parley/core';

/** Longest notification body; the rest is cut with an ellipsis. */
export const NOTIFICATION_BODY_MAX = 200;

/** What a notification says for an incoming message: plain text (the OS or the shell escapes it). */
export function notificationBody(message: StoredMessage): string {
  const text =
    message.attachmentIds !== undefined && message.attachmentIds.length > 0
      ? `📎 ${message.text || 'File'}`
      : message.text;
  const chars = [...text.replace(/\s+/gu, ' ').trim()];
  return chars.length > NOTIFICATION_BODY_MAX
    ? `${chars.slice(0, NOTIFICATION_BODY_MAX - 1).join('')}…`
    : chars.join('');
}

/** Whether a new message deserves a notification: not while its conversation is open on a visible page. */
export function shouldNotify(
  message: Pick<StoredMessage, 'direction' | 'conversationId'>,
  openConversationId: string | undefined,
  pageVisible: boolean,
): boolean {
  if (message.direction !== 'incoming') return false;
  return !(pageVisible && openConversationId === message.conversationId);
}

/** The window title with the unread count, like "(3) Parley". */
export function titleWithUnread(unread: number, base = 'Parley'): string {
  return unread > 0 ? `(${unread > 999 ? '999+' : unread}) ${base}` : base;
}
