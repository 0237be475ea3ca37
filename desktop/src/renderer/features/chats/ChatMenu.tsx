import { useLayoutEffect, useRef, useState } from 'react';
import type { ConversationSummary } from '@parley/core';
import { useClient } from '../../app/client-context.js';
import { describeError } from '../onboarding/errors.js';
import { pinRefusal } from './chat-list-model.js';
import { moveMenuFocus, useMenuFocusAndDismiss } from '../../ui/menu-keys.dom.js';

/** A chat row's menu: pin / unpin, archive / unarchive, mark as read. Arrow keys move, Esc closes. */
export function ChatMenu({
  chat,
  all,
  close,
  onError,
}: {
  chat: ConversationSummary;
  all: readonly ConversationSummary[];
  close: () => void;
  onError: (message: string | undefined) => void;
}) {
  const client = useClient();
  const menu = useRef<HTMLDivElement>(null);
  const [upward, setUpward] = useState(false);

  // Near the bottom of the list the menu opens upwards, so the list's scroller never cuts it off.
  useLayoutEffect(() => {
    const box = menu.current?.getBoundingClientRect();
    const list = menu.current?.closest('.chat-list')?.getBoundingClientRect();
    if (box !== undefined && list !== undefined && box.bottom > list.bottom && box.height < list.height)
      setUpward(true);
  }, []);

  useMenuFocusAndDismiss(menu, close);

  // The menu closes at once; the row changes when the engine announces it ('conversation-updated').
  const act = (action: () => Promise<void>) => () => {
    close();
    onError(undefined);
    action().catch((error: unknown) => onError(describeError(error)));
  };

  return (
    <div
      className={`chat-menu ${upward ? 'upward' : ''}`}
      role="menu"
      aria-label="Chat options"
      ref={menu}
      onKeyDown={(event) => {
        if (event.key === 'Escape' || event.key === 'Tab') {
          event.preventDefault();
          event.stopPropagation();
          close();
        }
        if (moveMenuFocus(menu.current, event.key)) event.preventDefault();
      }}
    >
      {!chat.archived && (
        <button
          type="button"
          role="menuitem"
          onClick={act(async () => {
            const refusal = chat.pinned ? undefined : pinRefusal(all, chat.id);
            if (refusal !== undefined) throw new Error(refusal);
            await client.conversations.setPinned(chat.id, !chat.pinned);
          })}
        >
          {chat.pinned ? 'Unpin chat' : 'Pin chat'}
        </button>
      )}
      <button
        type="button"
        role="menuitem"
        onClick={act(async () => {
          // As WhatsApp: an archived chat is not pinned (it would come back pinned otherwise).
          if (!chat.archived && chat.pinned) await client.conversations.setPinned(chat.id, false);
          await client.conversations.setArchived(chat.id, !chat.archived);
        })}
      >
        {chat.archived ? 'Unarchive chat' : 'Archive chat'}
      </button>
      {chat.unreadCount > 0 && (
        <button type="button" role="menuitem" onClick={act(() => client.conversations.markRead(chat.id))}>
          Mark as read
        </button>
      )}
    </div>
  );
}
