import { useLayoutEffect, useRef, useState } from 'react';
import type { Conversation, StoredMessage } from '@parley/core';
import { useClient, useSession } from '../../app/client-context.js';
import { useRegistry } from '../../app/registry-context.js';
import { ConfirmAction } from '../../ui/ConfirmAction.js';
import { Modal } from '../../ui/Modal.js';
import { QUICK_REACTIONS } from './emoji.js';
import { moveMenuFocus, useMenuFocusAndDismiss } from '../../ui/menu-keys.dom.js';
import { errorText } from '../../ui/error-text.js';

/** The per-message menu: react, reply, copy, edit and delete for everyone (own messages), then features'. */
export function MessageMenu({
  conversation,
  message,
  close,
  onReply,
  onEdit,
  onChanged,
  onError,
}: {
  conversation: Conversation;
  message: StoredMessage;
  close: () => void;
  onReply: (message: StoredMessage) => void;
  onEdit: (message: StoredMessage) => void;
  onChanged: (messageId: string) => void;
  onError: (message: string) => void;
}) {
  const client = useClient();
  const { live } = useSession();
  const registry = useRegistry();
  const menu = useRef<HTMLDivElement>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [upward, setUpward] = useState(false);

  // Near the bottom of the list the menu opens upwards, so it is never cut off by the scroller.
  useLayoutEffect(() => {
    const box = menu.current?.getBoundingClientRect();
    const scroller = menu.current?.closest('.message-scroller')?.getBoundingClientRect();
    if (box !== undefined && scroller !== undefined && box.bottom > scroller.bottom) setUpward(true);
  }, []);
  const own = message.direction === 'outgoing';
  const isText = message.attachmentIds === undefined || message.attachmentIds.length === 0;

  useMenuFocusAndDismiss(menu, close);

  // The menu closes at once; a failure (the relay refused, the message vanished) is shown as an alert.
  const act = (action: () => void | Promise<void>) => () => {
    close();
    Promise.resolve()
      .then(action)
      .catch((error: unknown) => onError(errorText(error)));
  };

  if (confirmDelete) {
    return (
      <Modal title="Delete message?" onClose={close}>
        {/* The menu closes at once (act); a failure shows as the bubble's alert, not in here. */}
        <ConfirmAction
          question="It will be deleted for everyone in this chat."
          confirmLabel="Delete for everyone"
          onConfirm={act(async () => {
            await client.messages.delete(message.id);
            onChanged(message.id);
          })}
          describeError={errorText}
          close={close}
        />
      </Modal>
    );
  }

  return (
    <div
      className={`message-menu ${upward ? 'upward' : ''}`}
      role="menu"
      aria-label="Message options"
      ref={menu}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          close();
        }
        if (moveMenuFocus(menu.current, event.key)) event.preventDefault();
      }}
    >
      <div className="reaction-row" role="group" aria-label="React">
        {QUICK_REACTIONS.map((emoji) => (
          <button
            key={emoji}
            type="button"
            role="menuitem"
            aria-label={`React ${emoji}`}
            onClick={act(async () => {
              await client.messages.react(message.id, emoji);
              live.reactionChange();
            })}
          >
            {emoji}
          </button>
        ))}
      </div>
      <button type="button" role="menuitem" onClick={act(() => onReply(message))}>
        Reply
      </button>
      {isText && (
        <button
          type="button"
          role="menuitem"
          onClick={act(() => navigator.clipboard?.writeText(message.text))}
        >
          Copy
        </button>
      )}
      {own && isText && (
        <button type="button" role="menuitem" onClick={act(() => onEdit(message))}>
          Edit
        </button>
      )}
      {own && (
        <button type="button" role="menuitem" className="danger" onClick={() => setConfirmDelete(true)}>
          Delete for everyone
        </button>
      )}
      {registry.messageActions.map((Action, index) => (
        <Action key={index} message={message} conversation={conversation} close={close} />
      ))}
    </div>
  );
}
