import { useCallback, useEffect, useRef, useState } from 'react';
import { groupChangeMessageId, type MessageSortKey, type Reaction, type StoredMessage } from '@parley/core';
import { useAsync, useClient, useClientEvent, useClientVersion, useLive } from '../client-context.js';
import { mergeMessages } from './message-order.js';

export const PAGE_SIZE = 50;

export interface MessagesState {
  /** Oldest first. */
  readonly messages: readonly StoredMessage[];
  readonly loaded: boolean;
  readonly hasOlder: boolean;
  readonly loadingOlder: boolean;
  /** Reads the next older page (client.messages with `before`); does nothing while one is loading. */
  loadOlder(): Promise<void>;
  /** Shows a message this device just wrote (sendText resolves with it). */
  add(message: StoredMessage): void;
  /** Re-reads one message after this device changed it (edit, delete for everyone). */
  refresh(messageId: string): Promise<void>;
}

interface Loaded {
  readonly conversationId: string;
  readonly messages: StoredMessage[];
  readonly cursor: MessageSortKey | undefined;
}

/**
 * A conversation's messages as the engine changes them: the newest page first, older pages on demand, new
 * and changed messages merged in from the client's events (re-read from the database, never patched by hand).
 */
export function useMessages(conversationId: string): MessagesState {
  const client = useClient();
  const [loaded, setLoaded] = useState<Loaded | undefined>();
  const [loadingOlder, setLoadingOlder] = useState(false);
  const current = useRef(conversationId);
  current.current = conversationId;

  useEffect(() => {
    let live = true;
    setLoaded(undefined);
    void client.messages.page(conversationId, { limit: PAGE_SIZE }).then((page) => {
      if (!live) return;
      setLoaded({
        conversationId,
        messages: mergeMessages([], page.messages),
        cursor: page.nextCursor,
      });
    });
    return () => {
      live = false;
    };
  }, [client, conversationId]);

  const merge = useCallback((fresh: readonly StoredMessage[]) => {
    setLoaded((previous) =>
      previous === undefined || previous.conversationId !== current.current
        ? previous
        : { ...previous, messages: mergeMessages(previous.messages, fresh) },
    );
  }, []);

  const reread = useCallback(
    async (messageId: string) => {
      const message = await client.db.messages.get(messageId);
      if (message !== undefined && message.conversationId === current.current) merge([message]);
    },
    [client, merge],
  );

  useClientEvent('message', ({ message }) => {
    if (message.conversationId === conversationId) merge([message]);
  });
  useClientEvent('message-state', ({ conversationId: id, messageId }) => {
    if (id === conversationId) void reread(messageId);
  });
  // A group change: the engine wrote its line into the conversation before reporting it.
  useClientEvent('group', ({ state }) => {
    if (conversationId === `group:${state.groupId}`)
      void reread(groupChangeMessageId(state.groupId, state.version));
  });
  useClientEvent('message-edited', ({ messageId }) => void reread(messageId));
  useClientEvent('message-deleted', ({ messageId }) => void reread(messageId));

  const loadOlder = useCallback(async () => {
    if (loaded === undefined || loaded.cursor === undefined || loadingOlder) return;
    setLoadingOlder(true);
    try {
      const page = await client.messages.page(loaded.conversationId, { before: loaded.cursor, limit: PAGE_SIZE });
      setLoaded((previous) =>
        previous === undefined || previous.conversationId !== loaded.conversationId
          ? previous
          : {
              ...previous,
              messages: mergeMessages(previous.messages, page.messages),
              cursor: page.nextCursor,
            },
      );
    } finally {
      setLoadingOlder(false);
    }
  }, [client, loaded, loadingOlder]);

  const ready = loaded !== undefined && loaded.conversationId === conversationId;
  return {
    messages: ready ? loaded.messages : [],
    loaded: ready,
    hasOlder: ready && loaded.cursor !== undefined,
    loadingOlder,
    loadOlder,
    add: (message) => merge([message]),
    refresh: reread,
  };
}

/** A message's reactions, re-read when any reaction arrives. */
export function useReactions(messageId: string): readonly Reaction[] {
  const client = useClient();
  const version = useClientVersion(['reaction']);
  const local = useLive((live) => live.reactionsVersion);
  const { value } = useAsync(() => client.messages.reactions(messageId), [client, messageId, version, local]);
  return value ?? [];
}
