import { describe, expect, it } from 'vitest';
import type { ConversationSummary } from '@parley/core';
import { upsertChat } from '../../app/data/chat-order.js';
import { pinRefusal, previewLine, splitChats } from './chat-list-model.js';

function chat(title: string, fields: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    id: `direct:${title}`,
    kind: 'direct',
    title,
    lastActivity: 0,
    unreadCount: 0,
    pinned: false,
    archived: false,
    muted: false,
    ...fields,
  };
}
const titles = (list: readonly ConversationSummary[]) => list.map((c) => c.title);

describe('chat list order', () => {
  it('puts pinned chats on top, then the most recent first', () => {
    const list = [
      chat('Old', { lastActivity: 1 }),
      chat('New', { lastActivity: 9 }),
      chat('Pinned old', { lastActivity: 0, pinned: true }),
      chat('Pinned new', { lastActivity: 5, pinned: true }),
    ];
    expect(titles(splitChats(list).chats)).toEqual(['Pinned new', 'Pinned old', 'New', 'Old']);
  });

  it('keeps archived chats out of the main list and counts their unread messages', () => {
    const list = [
      chat('Bob', { archived: true, lastActivity: 3, unreadCount: 2 }),
      chat('Carol', { lastActivity: 1 }),
      chat('Dan', { archived: true, lastActivity: 7, unreadCount: 1 }),
    ];
    const sections = splitChats(list);
    expect(titles(sections.chats)).toEqual(['Carol']);
    expect(titles(sections.archived)).toEqual(['Dan', 'Bob']);
    expect(sections.archivedUnread).toBe(3);
  });

  it('moves a chat that got a new message up, and keeps an archived one archived', () => {
    let list: readonly ConversationSummary[] = [
      chat('Bob', { lastActivity: 5 }),
      chat('Carol', { lastActivity: 4 }),
      chat('Dan', { lastActivity: 3, archived: true }),
    ];
    list = upsertChat(list, chat('Carol', { lastActivity: 10, unreadCount: 1 }));
    list = upsertChat(list, chat('Dan', { lastActivity: 11, archived: true, unreadCount: 1 }));
    expect(titles(splitChats(list).chats)).toEqual(['Carol', 'Bob']);
    expect(titles(splitChats(list).archived)).toEqual(['Dan']);
    list = upsertChat(list, chat('Eve', { lastActivity: 12 }));
    expect(titles(list)).toEqual(['Eve', 'Dan', 'Carol', 'Bob']);
  });

  it('refuses a fourth pinned chat but lets an already pinned one be pinned again', () => {
    const list = ['A', 'B', 'C'].map((name) => chat(name, { pinned: true }));
    expect(pinRefusal([...list, chat('D')], 'direct:D')).toBe('You can only pin up to 3 chats');
    expect(pinRefusal(list, 'direct:A')).toBeUndefined();
    expect(pinRefusal(list.slice(1), 'direct:D')).toBeUndefined();
  });
});

describe('chat row preview', () => {
  const name = (account: string) => (account === 'bob-account' ? 'Bob' : 'Someone');
  const last = {
    messageId: 'm1',
    sentAt: 1,
    direction: 'incoming',
    sender: 'bob-account',
    state: 'received',
  } as const;

  it('labels files by kind and names the sender in groups', () => {
    expect(
      previewLine(chat('Bob', { lastMessage: { ...last, kind: 'photo', preview: 'Photo' } }), name),
    ).toBe('📷 Photo');
    const group = chat('Team', { id: 'group:t', kind: 'group' });
    expect(previewLine({ ...group, lastMessage: { ...last, kind: 'text', preview: 'hi' } }, name)).toBe(
      'Bob: hi',
    );
    expect(
      previewLine(
        { ...group, lastMessage: { ...last, kind: 'text', preview: 'yo', direction: 'outgoing' } },
        name,
      ),
    ).toBe('You: yo');
    expect(previewLine(chat('Bob', { lastMessage: { ...last, kind: 'deleted', preview: 'x' } }), name)).toBe(
      'This message was deleted',
    );
    expect(previewLine(chat('Bob'), name)).toBe('');
  });
});
