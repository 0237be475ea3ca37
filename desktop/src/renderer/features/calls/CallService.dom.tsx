import { useEffect } from 'react';
import { createPortal } from 'react-dom';
import { useContacts, useConversationSummary } from '../../app/data/use-conversations.js';
import { useClient } from '../../app/client-context.js';
import { useNavigation } from '../../app/navigation.js';
import { desktopShell } from '../../platform/desktop-shell.dom.js';
import { avatarUrl } from '../chats/avatar-url.js';
import { loadNotificationPrefs } from '../notifications/notification-prefs.js';
import { IncomingCallScreen } from './IncomingCallScreen.js';
import { InCallScreen } from './InCallScreen.js';
import { Ringtone } from './ringtone.dom.js';
import { useCallStore, useCallView } from './use-call.dom.js';
import './calls.css';

/** How long the "call ended" screen stays before it closes by itself. */
const ENDED_SCREEN_MS = 4000;

/**
 * The call screens over the whole window, mounted once while the client runs: the incoming-call screen
 * (with its ringtone and a system notification) and the in-call screen.
 */
export function CallService() {
  const client = useClient();
  const store = useCallStore();
  const view = useCallView();
  const contacts = useContacts();
  const { openConversation } = useNavigation();
  const call = view?.call;
  const conversationId = call === undefined ? undefined : client.conversations.direct(call.peer);
  const summary = useConversationSummary(conversationId);
  const name = call === undefined ? '' : (contacts.get(call.peer)?.displayName ?? call.peer.slice(0, 8));
  const ringing = call?.direction === 'incoming' && call.phase === 'ringing';
  const ringingCall = ringing ? call.callId : undefined;
  const kind = call?.media === 'video' ? 'video call' : 'voice call';

  // Ring until answered, declined, missed or cancelled.
  useEffect(() => {
    if (ringingCall === undefined) return;
    const prefs = loadNotificationPrefs(localStorage);
    const ringtone = prefs.sound ? new Ringtone() : undefined;
    return () => ringtone?.stop();
  }, [ringingCall]);

  // A system notification, so the call is noticed behind other windows; it goes when the ringing stops.
  useEffect(() => {
    if (ringingCall === undefined || conversationId === undefined) return;
    if (!loadNotificationPrefs(localStorage).enabled) return;
    const title = name;
    const body = `Incoming ${kind}`;
    const shell = desktopShell();
    if (shell?.showNotification !== undefined) {
      void shell.showNotification({ conversationId, title, body }).catch(() => undefined);
      return;
    }
    if (typeof Notification !== 'function' || Notification.permission !== 'granted') return;
    const shown = new Notification(title, { body, tag: `call-${ringingCall}`, requireInteraction: true });
    shown.onclick = () => {
      window.focus();
      openConversation(conversationId);
    };
    return () => shown.close();
    // The notification belongs to one ringing call; its name and kind are read when it starts ringing.
  }, [ringingCall]);

  const endedCall = call?.phase === 'ended' ? call.callId : undefined;
  useEffect(() => {
    if (endedCall === undefined) return;
    const timer = setTimeout(() => store.dismiss(), ENDED_SCREEN_MS);
    return () => clearTimeout(timer);
  }, [endedCall, store]);

  if (view === undefined) return null;
  const avatar = avatarUrl(summary?.avatar);
  return createPortal(
    ringing ? (
      <IncomingCallScreen view={view} name={name} {...(avatar === undefined ? {} : { avatar })} />
    ) : (
      <InCallScreen view={view} name={name} {...(avatar === undefined ? {} : { avatar })} />
    ),
    document.body,
  );
}
