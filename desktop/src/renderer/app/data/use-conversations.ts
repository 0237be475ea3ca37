import {
  createContext,
  createElement,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { Contact, Conversation, ConversationSummary } from '@parley/core';
import { useAsync, useClient, useClientEvent, useClientVersion, useLive } from '../client-context.js';
import { upsertChat } from './chat-order.js';

export type { ConversationSummary };

/** What changes a conversation record (useConversation) or a contact (useContacts). */
const CHANGES = [
  'message',
  'message-state',
  'message-edited',
  'message-deleted',
  'contact-added',
  'contact-updated',
  'conversation-updated',
  'group',
  'connected',
] as const;

/**
 * Every chat-list row (the engine's `client.conversations()`: title and avatar of the contact or group, last
 * message preview, unread, pinned, archived), pinned first then by recency, archived ones included (the list
 * splits them). Read once for the whole app by <ConversationsProvider>, however many screens show them.
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

/**
 * Reads the whole list once (and again on reconnect or a local change), then keeps it current from the
 * engine's 'conversation-updated' events, which carry the changed row: one event, one row replaced, no
 * re-read of every conversation per message. Rows that change while a read is running are applied on top.
 */
export function ConversationsProvider({ children }: { children: ReactNode }) {
  const client = useClient();
  const connected = useClientVersion(['connected']);
  const [local, reload] = useLocalVersion();
  const shared = useLive((live) => live.localVersion);
  const [list, setList] = useState<readonly ConversationSummary[] | undefined>();
  const pending = useRef<ConversationSummary[] | null>(null);

  useEffect(() => {
    let current = true;
    pending.current = [];
    client.conversations.list().then(
      (read) => {
        if (!current) return;
        const late = pending.current ?? [];
        pending.current = null;
        setList(late.reduce<readonly ConversationSummary[]>(upsertChat, read));
      },
      () => {
        if (current) pending.current = null;
      },
    );
    return () => {
      current = false;
    };
  }, [client, connected, local, shared]);

  useClientEvent('conversation-updated', (summary) => {
    pending.current?.push(summary);
    setList((previous) => (previous === undefined ? previous : upsertChat(previous, summary)));
  });

  const state = useMemo(() => ({ list, reload }), [list, reload]);
  // createElement, not JSX: this file stays a .ts module that feature branches already import.
  return createElement(ConversationsContext.Provider, { value: state }, children);
}

/** One chat-list row by id (title, avatar…), from the shared list. */
export function useConversationSummary(id: string | undefined): ConversationSummary | undefined {
  const { list } = useConversations();
  return id === undefined ? undefined : list?.find((chat) => chat.id === id);
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
  const version = useClientVersion(['contact-added', 'contact-updated', 'group']);
  const local = useLive((live) => live.localVersion);
  const { value } = useAsync(
    async () => new Map((await client.contacts.list()).map((contact) => [contact.account, contact])),
    [client, version, local],
  );
  return value ?? EMPTY;
}

/**
 * A conversation's name: for a one-to-one chat the contact's current name (their profile, or the name in
 * the link they were added by), else the stored title.
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
