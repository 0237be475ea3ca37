import { createContext, createElement, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { Contact, Conversation, StoredMessage } from '@parley/core';
import { useAsync, useClient, useClientVersion, useLive } from '../client-context.js';

export interface ConversationSummary {
  readonly conversation: Conversation;
  readonly lastMessage?: StoredMessage;
}

const CHANGES = [
  'message',
  'message-state',
  'message-edited',
  'message-deleted',
  'contact-added',
  'group',
  'connected',
] as const;

/**
 * Conversations by recency with their last message, re-read whenever the engine changes something. Titles of
 * one-to-one chats are the contact's current name. Read once for the whole app by <ConversationsProvider>,
 * however many screens show them (the chat list, the unread badge, features).
 */
export function useConversations(): ConversationsState {
  const state = useContext(ConversationsContext);
  if (state === null) throw new Error('useConversations outside <ConversationsProvider>');
  return state;
}

export interface ConversationsState {
  readonly list: readonly ConversationSummary[] | undefined;
  /** Reads the list again now (after a change this device made that is not an engine event). */
  readonly reload: () => void;
}

const ConversationsContext = createContext<ConversationsState | null>(null);

export function ConversationsProvider({ children }: { children: ReactNode }) {
  const client = useClient();
  const version = useClientVersion(CHANGES);
  const [local, setLocal] = useLocalVersion();
  const shared = useLive((live) => live.localVersion);
  const contacts = useContacts();
  const { value } = useAsync(async () => {
    const conversations = await client.db.conversations.listRecent(500);
    return Promise.all(
      conversations.map(async (conversation): Promise<ConversationSummary> => {
        const lastMessage =
          conversation.lastMessageId === undefined
            ? undefined
            : await client.db.messages.get(conversation.lastMessageId);
        const titled = { ...conversation, title: conversationTitle(conversation, contacts) };
        return lastMessage === undefined ? { conversation: titled } : { conversation: titled, lastMessage };
      }),
    );
  }, [client, version, local, shared, contacts]);
  const state = useMemo(() => ({ list: value, reload: setLocal }), [value, setLocal]);
  // createElement, not JSX: this file stays a .ts module that feature branches already import.
  return createElement(ConversationsContext.Provider, { value: state }, children);
}

/** One conversation, re-read on every change (its title, unread count, members). */
export function useConversation(id: string | undefined): Conversation | undefined | null {
  const client = useClient();
  const version = useClientVersion(CHANGES);
  const { value } = useAsync(
    async () => (id === undefined ? null : ((await client.db.conversations.get(id)) ?? null)),
    [client, id, version],
  );
  return value;
}

/** Every contact by account, for names in group conversations and the add-contact screens. */
export function useContacts(): ReadonlyMap<string, Contact> {
  const client = useClient();
  const version = useClientVersion(['contact-added', 'group']);
  const local = useLive((live) => live.localVersion);
  const { value } = useAsync(
    async () => new Map((await client.contacts()).map((contact) => [contact.account, contact])),
    [client, version, local],
  );
  return value ?? EMPTY;
}

/**
 * A conversation's name: for a one-to-one chat the contact's current name (it changes when their link is
 * added again), else the stored title.
 */
export function conversationTitle(conversation: Conversation, contacts: ReadonlyMap<string, Contact>): string {
  if (conversation.kind !== 'direct') return conversation.title;
  return contacts.get(conversation.members[0] ?? '')?.displayName ?? conversation.title;
}

export function useConversationTitle(conversation: Conversation): string {
  return conversationTitle(conversation, useContacts());
}

const EMPTY: ReadonlyMap<string, Contact> = new Map();

function useLocalVersion(): [number, () => void] {
  const [version, setVersion] = useState(0);
  return [version, useCallback(() => setVersion((value) => value + 1), [])];
}
