import { describe, expect, it } from 'vitest';
import type { ConversationSummary } from '@parley/core';
import { filterChats } from './chat-filter.js';

const chat = (title: string): ConversationSummary => ({
  id: `direct:${title}`,
  kind: 'direct',
  title,
  lastActivity: 0,
  unreadCount: 0,
  pinned: false,
  archived: false,
  muted: false,
});

describe('chat search', () => {
  const chats = [chat('Zoë Martin'), chat('Bob'), chat('Martine Dupont')];

  it('filters chats by name, ignoring case and accents, keeping recency order', () => {
    expect(filterChats(chats, 'MART').map((c) => c.title)).toEqual(['Zoë Martin', 'Martine Dupont']);
    expect(filterChats(chats, 'zoe').map((c) => c.title)).toEqual(['Zoë Martin']);
  });

  it('needs every word of the query and shows everything for an empty query', () => {
    expect(filterChats(chats, 'martin dup').map((c) => c.title)).toEqual(['Martine Dupont']);
    expect(filterChats(chats, '   ')).toBe(chats);
  });
});
