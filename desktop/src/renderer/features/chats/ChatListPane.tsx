import { useEffect, useRef, useState } from 'react';
import { useLive, useProfile } from '../../app/client-context.js';
import { useConversations, type ConversationSummary } from '../../app/data/use-conversations.js';
import { useNavigation } from '../../app/navigation.js';
import { loadProfile } from '../../app/profile.js';
import { useRegistry } from '../../app/registry-context.js';
import { Avatar } from '../../ui/Avatar.js';
import { Icon } from '../../ui/Icon.js';
import { listTime } from '../conversation/format.js';
import { tickFor } from '../conversation/ticks.js';
import { filterChats } from './chat-filter.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import './chats.css';

/** The left column: who I am, the features' buttons, search (Ctrl/Cmd+K) and chats by recency. */
export function ChatListPane() {
  const started = useProfile();
  // Settings saves a new name or picture to localStorage and announces it with live.localChange().
  useLive((live) => live.localVersion);
  const profile = loadProfile(localStorage) ?? started;
  const registry = useRegistry();
  const { list } = useConversations();
  const [query, setQuery] = useState('');
  const search = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        search.current?.focus();
        search.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const chats = filterChats(list ?? [], query);
  return (
    <nav className="chat-list-pane" aria-label="Chats">
      <header className="pane-header">
        <Avatar name={profile.displayName} seed={profile.displayName} image={profile.avatar} size={40} />
        <h1 className="pane-title">Chats</h1>
        <div className="pane-actions">
          {registry.sidebarActions.map((Action, index) => (
            <Action key={index} />
          ))}
        </div>
      </header>
      <ConnectionBanner />
      {registry.sidebarSections.map((Section, index) => (
        <Section key={index} />
      ))}
      <div className="search-box">
        <Icon name="search" size={18} />
        <input
          ref={search}
          type="search"
          aria-label="Search chats"
          placeholder="Search (Ctrl+K)"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') setQuery('');
          }}
        />
      </div>
      <ul className="chat-list" aria-label="Conversations">
        {chats.map((chat) => (
          <ChatRow key={chat.conversation.id} chat={chat} />
        ))}
        {list !== undefined && chats.length === 0 && (
          <li className="chat-list-empty">
            {query === '' ? 'No chats yet. Add a contact to start one.' : 'No chat matches that name.'}
          </li>
        )}
      </ul>
    </nav>
  );
}

function ChatRow({ chat }: { chat: ConversationSummary }) {
  const { conversationId, openConversation } = useNavigation();
  const { conversation, lastMessage } = chat;
  const selected = conversationId === conversation.id;
  const tick = lastMessage?.direction === 'outgoing' ? tickFor(lastMessage.state) : undefined;
  const preview =
    lastMessage === undefined
      ? ''
      : lastMessage.deletedAt !== undefined
        ? 'This message was deleted'
        : lastMessage.attachmentIds?.length
          ? `📎 ${lastMessage.text || 'File'}`
          : lastMessage.text;
  const unread = conversation.unreadCount;
  return (
    <li>
      <button
        type="button"
        className={`chat-row ${selected ? 'selected' : ''}`}
        aria-current={selected ? 'true' : undefined}
        onClick={() => openConversation(conversation.id)}
      >
        {/* The row is named by what it shows (WCAG 2.5.3, label in name): title first, then the unread
            count, time and preview; the hidden punctuation keeps a screen reader's reading apart. */}
        <Avatar name={conversation.title} seed={conversation.id} size={48} />
        <span className="chat-row-text">
          <span className="chat-row-top">
            <span className="chat-row-name">{conversation.title}</span>
            <span className="visually-hidden">
              {unread > 0 ? `, ${unread} unread` : ''}
              {', '}
            </span>
            {lastMessage !== undefined && (
              <time className={`chat-row-time ${unread > 0 ? 'unread' : ''}`}>
                {listTime(lastMessage.sentAt, Date.now())}
              </time>
            )}
          </span>
          <span className="chat-row-bottom">
            <span className="chat-row-preview">
              {tick !== undefined && <span className={`tick tick-${tick.tone}`}>{tick.glyph} </span>}
              {preview}
            </span>
            {unread > 0 && (
              <span className="unread-badge" aria-hidden="true">
                {unread}
              </span>
            )}
          </span>
        </span>
      </button>
    </li>
  );
}
