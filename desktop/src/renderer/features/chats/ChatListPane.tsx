import { useEffect, useRef, useState } from 'react';
import type { ConversationSummary } from '@parley/core';
import { useClient } from '../../app/client-context.js';
import { useContacts, useConversations } from '../../app/data/use-conversations.js';
import { useNavigation } from '../../app/navigation.js';
import { useOwnProfile } from '../../app/own-profile.js';
import { useRegistry } from '../../app/registry-context.js';
import { Avatar, personSeed } from '../../ui/Avatar.js';
import { IconButton } from '../../ui/Button.js';
import { Icon } from '../../ui/Icon.js';
import { listTime } from '../conversation/format.js';
import { tickFor } from '../conversation/ticks.js';
import { avatarUrl } from './avatar-url.js';
import { filterChats } from './chat-filter.js';
import { previewLine, splitChats } from './chat-list-model.js';
import { ChatMenu } from './ChatMenu.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import './chats.css';

/**
 * The left column: who I am, the features' buttons, search (Ctrl/Cmd+K), an "Archived (N)" row, then chats
 * (pinned first, then by recency). Each row has a menu (hover chevron, right-click, or Shift+F10): pin,
 * archive, mark as read. The archived list replaces the main one until "Back".
 */
export function ChatListPane() {
  const client = useClient();
  const profile = useOwnProfile();
  const registry = useRegistry();
  const { list } = useConversations();
  const [query, setQuery] = useState('');
  const [showArchived, setShowArchived] = useState(false);
  const [error, setError] = useState<string | undefined>();
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

  const sections = splitChats(list ?? []);
  const archivedOnly = showArchived && sections.archived.length > 0;
  // The last archived chat was unarchived: back to the main list, and it stays there next time.
  useEffect(() => {
    if (showArchived && list !== undefined && sections.archived.length === 0) setShowArchived(false);
  }, [showArchived, list, sections.archived.length]);
  const chats = filterChats(archivedOnly ? sections.archived : sections.chats, query);
  return (
    <nav className="chat-list-pane" aria-label="Chats">
      {archivedOnly ? (
        <header className="pane-header archived-header">
          <IconButton icon="back" label="Back to all chats" onClick={() => setShowArchived(false)} />
          <h1 className="pane-title">Archived</h1>
        </header>
      ) : (
        <header className="pane-header">
          <Avatar
            name={profile.displayName}
            seed={personSeed(client.account)}
            image={profile.avatar}
            size={40}
          />
          <h1 className="pane-title">Chats</h1>
          <div className="pane-actions">
            {registry.sidebarActions.map((Action, index) => (
              <Action key={index} />
            ))}
          </div>
        </header>
      )}
      <ConnectionBanner />
      {!archivedOnly && registry.sidebarSections.map((Section, index) => <Section key={index} />)}
      <div className="search-box">
        <Icon name="search" size={18} />
        <input
          ref={search}
          type="search"
          aria-label={archivedOnly ? 'Search archived chats' : 'Search chats'}
          placeholder="Search (Ctrl+K)"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') setQuery('');
          }}
        />
      </div>
      {error !== undefined && (
        <p role="alert" className="form-error chat-list-error">
          {error}
        </p>
      )}
      <ul className="chat-list" aria-label={archivedOnly ? 'Archived conversations' : 'Conversations'}>
        {!archivedOnly && sections.archived.length > 0 && (
          <li>
            {/* Named by what it shows, "Archived (2)": the parentheses are for screen readers only. */}
            <button
              type="button"
              className="chat-row archived-row"
              onClick={() => {
                setQuery('');
                setShowArchived(true);
              }}
            >
              <span className="archived-icon">
                <Icon name="archive" size={20} />
              </span>
              <span className="chat-row-text">
                <span className="chat-row-top">
                  <span className="chat-row-name">Archived</span>
                  <span className={`archived-count ${sections.archivedUnread > 0 ? 'unread' : ''}`}>
                    <span aria-hidden="true">{sections.archived.length}</span>
                    <span className="visually-hidden">({sections.archived.length})</span>
                  </span>
                </span>
              </span>
            </button>
          </li>
        )}
        {chats.map((chat) => (
          <ChatRow key={chat.id} chat={chat} all={list ?? []} onError={setError} />
        ))}
        {list !== undefined && chats.length === 0 && (
          <li className="chat-list-empty">
            {query !== ''
              ? 'No chat matches that name.'
              : sections.archived.length > 0
                ? 'No other chats. Archived chats are above.'
                : 'No chats yet. Add a contact to start one.'}
          </li>
        )}
      </ul>
    </nav>
  );
}

function ChatRow({
  chat,
  all,
  onError,
}: {
  chat: ConversationSummary;
  all: readonly ConversationSummary[];
  onError: (message: string | undefined) => void;
}) {
  const { conversationId, openConversation } = useNavigation();
  const contacts = useContacts();
  const [menu, setMenu] = useState(false);
  const rowButton = useRef<HTMLButtonElement>(null);
  const { lastMessage: last } = chat;
  const selected = conversationId === chat.id;
  const tick = last?.direction === 'outgoing' ? tickFor(last.state) : undefined;
  const preview = previewLine(chat, (account) => contacts.get(account)?.displayName ?? account.slice(0, 8));
  const unread = chat.unreadCount;
  const closeMenu = () => {
    setMenu(false);
    rowButton.current?.focus();
  };
  return (
    <li
      className={`chat-item ${menu ? 'menu-open' : ''}`}
      onContextMenu={(event) => {
        event.preventDefault();
        setMenu(true);
      }}
    >
      <button
        ref={rowButton}
        type="button"
        className={`chat-row ${selected ? 'selected' : ''}`}
        aria-current={selected ? 'true' : undefined}
        onClick={() => openConversation(chat.id)}
        onKeyDown={(event) => {
          if (event.key === 'ContextMenu' || (event.shiftKey && event.key === 'F10')) {
            event.preventDefault();
            setMenu(true);
          }
        }}
      >
        {/* The row is named by what it shows (WCAG 2.5.3, label in name): title first, then pinned, the
            unread count, time and preview; the hidden punctuation keeps a screen reader's reading apart. */}
        <Avatar name={chat.title} seed={chat.id} image={avatarUrl(chat.avatar)} size={48} />
        <span className="chat-row-text">
          <span className="chat-row-top">
            <span className="chat-row-name">{chat.title}</span>
            <span className="visually-hidden">
              {chat.pinned ? ', pinned' : ''}
              {unread > 0 ? `, ${unread} unread` : ''}
              {', '}
            </span>
            {last !== undefined && (
              <time className={`chat-row-time ${unread > 0 ? 'unread' : ''}`}>
                {listTime(last.sentAt, Date.now())}
              </time>
            )}
          </span>
          {(preview !== '' || tick !== undefined || chat.pinned || unread > 0) && (
            <span className="chat-row-bottom">
              <span className="chat-row-preview">
                {tick !== undefined && <span className={`tick tick-${tick.tone}`}>{tick.glyph} </span>}
                {preview}
              </span>
              {chat.pinned && (
                <span className="chat-row-pin" title="Pinned" data-testid="pinned">
                  <Icon name="pin" size={16} />
                </span>
              )}
              {unread > 0 && (
                <span className="unread-badge" aria-hidden="true">
                  {unread}
                </span>
              )}
            </span>
          )}
        </span>
      </button>
      <button
        type="button"
        className="chat-row-options"
        aria-label={`Chat options for ${chat.title}`}
        aria-haspopup="menu"
        aria-expanded={menu}
        onClick={() => setMenu((open) => !open)}
      >
        <Icon name="chevronDown" size={20} />
      </button>
      {menu && <ChatMenu chat={chat} all={all} close={closeMenu} onError={onError} />}
    </li>
  );
}
