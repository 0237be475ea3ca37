import { useEffect, useRef } from 'react';
import { useClient, useClientEvent } from '../../app/client-context.js';
import { conversationTitle, useContacts, useConversations } from '../../app/data/use-conversations.js';
import { useNavigation } from '../../app/navigation.js';
import { desktopShell } from '../../platform/desktop-shell.dom.js';
import { loadNotificationPrefs } from './notification-prefs.js';
import { playNotificationSound } from './notification-sound.dom.js';
import { notificationBody, shouldNotify, titleWithUnread } from './notification-text.js';

/**
 * Tells the person about messages they are not looking at: the unread total in the window title and, on
 * desktop, the tray/dock badge; a native notification per message (Electron's, or the browser's when the
 * page was granted the permission: features/settings asks for it, and turns them or their sound off). A
 * click opens the conversation.
 */
export function NotificationService() {
  const client = useClient();
  const contacts = useContacts();
  const { list } = useConversations();
  const { conversationId, openConversation } = useNavigation();
  const open = useRef(conversationId);
  open.current = conversationId;

  const unread = (list ?? []).reduce((sum, chat) => sum + chat.unreadCount, 0);
  useEffect(() => {
    document.title = titleWithUnread(unread);
    desktopShell()
      ?.setUnreadCount?.(unread)
      ?.catch(() => undefined);
  }, [unread]);

  useEffect(() => desktopShell()?.onNotificationClicked?.((id) => openConversation(id)), [openConversation]);

  useClientEvent('message', ({ message }) => {
    if (!shouldNotify(message, open.current, document.visibilityState === 'visible')) return;
    const prefs = loadNotificationPrefs(localStorage);
    if (!prefs.enabled) return;
    void (async () => {
      const conversation = await client.db.conversations.get(message.conversationId);
      const title = conversation === undefined ? 'Parley' : conversationTitle(conversation, contacts);
      const body = notificationBody(message);
      const shell = desktopShell();
      if (prefs.sound) playNotificationSound();
      if (shell?.showNotification !== undefined) {
        await shell.showNotification({ conversationId: message.conversationId, title, body });
      } else if (typeof Notification === 'function' && Notification.permission === 'granted') {
        const shown = new Notification(title, { body, tag: message.conversationId, silent: true });
        shown.onclick = () => {
          window.focus();
          openConversation(message.conversationId);
        };
      }
    })().catch(() => undefined);
  });
  return null;
}
