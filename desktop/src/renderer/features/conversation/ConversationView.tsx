import { useCallback, useEffect, useRef, useState } from 'react';
import type { Conversation, StoredMessage } from '@parley/core';
import { useClient, useClientEvent, useClientVersion, useSession } from '../../app/client-context.js';
import { useMessages } from '../../app/data/use-messages.js';
import { useRegistry } from '../../app/registry-context.js';
import { Composer, type ComposerMode } from './Composer.js';
import { ContactRequestBanner } from './ContactRequestBanner.js';
import { ComposerNotice, useComposerNotice } from './ComposerNotice.js';
import { ConversationHeader } from './ConversationHeader.js';
import { MessageList } from './MessageList.js';

/** One open conversation: header, the virtualised messages, the composer; marks what is seen as read. */
export function ConversationView({ conversation }: { conversation: Conversation }) {
  const client = useClient();
  const { live } = useSession();
  const registry = useRegistry();
  const messages = useMessages(conversation.id);
  const [mode, setMode] = useState<ComposerMode>({ kind: 'new' });
  const marked = useRef(new Set<string>());

  useMarkRead(conversation.id, messages.messages, marked.current);

  const peer = conversation.kind === 'direct' ? conversation.members[0] : undefined;
  const connections = useClientVersion(['connected']);
  // The peer may allow us only after we subscribed (they added us later): ask again when they write and
  // we still know nothing.
  const [asked, setAsked] = useState(0);
  useClientEvent('message', ({ message }) => {
    if (peer !== undefined && message.sender.name === peer && live.presence(peer) === undefined)
      setAsked((value) => value + 1);
  });
  useEffect(() => {
    if (peer === undefined) return;
    client.presence.subscribe([peer]).then(
      (states) => states.forEach((state) => live.setPresence(state)),
      () => undefined, // offline or not allowed: the header simply shows no presence
    );
  }, [client, live, peer, connections, asked]);

  const notice = useComposerNotice(conversation);
  const onSent = useCallback((message: StoredMessage) => messages.add(message), [messages]);
  // Stable, so the memoised bubbles do not all re-render with the list.
  const onReply = useCallback((message: StoredMessage) => setMode({ kind: 'reply', message }), []);
  const onEdit = useCallback((message: StoredMessage) => setMode({ kind: 'edit', message }), []);

  return (
    <section className="conversation-pane" aria-label={`Conversation with ${conversation.title}`}>
      {registry.conversationServices.map((Service, index) => (
        <Service key={index} conversation={conversation} />
      ))}
      <ConversationHeader conversation={conversation} />
      <ContactRequestBanner conversation={conversation} />
      <MessageList conversation={conversation} state={messages} onReply={onReply} onEdit={onEdit} />
      {notice !== undefined ? (
        <ComposerNotice text={notice} />
      ) : (
        <Composer
          conversation={conversation}
          mode={mode}
          setMode={setMode}
          onSent={onSent}
          onEdited={(id) => void messages.refresh(id)}
        />
      )}
    </section>
  );
}

/** Marks incoming messages read while the conversation is on screen and the page visible. */
function useMarkRead(conversationId: string, messages: readonly StoredMessage[], marked: Set<string>) {
  const client = useClient();
  const { live } = useSession();
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const onChange = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  useEffect(() => {
    if (!visible) return;
    const unread = messages
      .filter((message) => message.direction === 'incoming' && message.state === 'received')
      .map((message) => message.id)
      .filter((id) => !marked.has(id));
    if (unread.length === 0) return;
    unread.forEach((id) => marked.add(id));
    void (async () => {
      await client.db.conversations.markRead(conversationId);
      live.localChange(); // the chat list's unread badge: not an engine event
      await client.messages.markRead(unread);
    })().catch(() => unread.forEach((id) => marked.delete(id)));
  }, [client, live, conversationId, messages, visible, marked]);
}
