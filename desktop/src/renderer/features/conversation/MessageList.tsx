import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Conversation, StoredMessage } from '@parley/core';
import type { MessagesState } from '../../app/data/use-messages.js';
import { useLive } from '../../app/client-context.js';
import { isEngineLine, messageKind } from '../../app/extensions.js';
import { useRegistry } from '../../app/registry-context.js';
import { IconButton } from '../../ui/Button.js';
import { MessageBubble } from './MessageBubble.js';
import { EncryptionNotice } from './EncryptionNotice.js';
import { buildRows, type Row } from './rows.js';

type ListRow = Row | { readonly kind: 'notice'; readonly key: string };

/** Distance from the top, in pixels, at which the next older page is read. */
const LOAD_OLDER_AT = 400;

/**
 * The messages, virtualised (only what is on screen is in the DOM, so 10,000 messages scroll like 10). Opens at
 * the newest message, follows new ones while the reader is at the bottom, and reads older pages as the reader
 * scrolls up, keeping what was on screen in place.
 */
export function MessageList({
  conversation,
  state,
  onReply,
  onEdit,
}: {
  conversation: Conversation;
  state: MessagesState;
  onReply: (message: StoredMessage) => void;
  onEdit: (message: StoredMessage) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  // The encryption notice heads the conversation once its very first message is loaded (or it is empty).
  const atStart = state.loaded && !state.hasOlder;
  const rows = useMemo<ListRow[]>(() => {
    const built = buildRows(state.messages, Date.now());
    return atStart ? [{ kind: 'notice', key: 'encryption-notice' }, ...built] : built;
  }, [state.messages, atStart]);
  const byId = useMemo(() => new Map(state.messages.map((m) => [m.id, m])), [state.messages]);
  const peer = conversation.kind === 'direct' ? conversation.members[0] : undefined;
  const typing = useLive((live) => (peer === undefined ? false : live.isTyping(peer)));
  const { refresh } = state;
  const onChanged = useCallback((id: string) => void refresh(id), [refresh]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => (rows[index]?.kind === 'day' ? 40 : rows[index]?.kind === 'notice' ? 80 : 64),
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 12,
  });

  // Keep the view anchored: at the bottom when new messages come, on the same message when older ones load.
  const anchor = useRef<{ firstKey: string | undefined; count: number; height: number; atBottom: boolean }>({
    firstKey: undefined,
    count: 0,
    height: 0,
    atBottom: true,
  });
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element === null || rows.length === 0) return;
    const previous = anchor.current;
    // The oldest message, not the first row: a day separator keeps its key when older messages of the
    // same day are prepended.
    const firstKey = state.messages[0]?.id;
    if (previous.count === 0) {
      virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
    } else if (firstKey !== previous.firstKey) {
      element.scrollTop += virtualizer.getTotalSize() - previous.height;
    } else if (previous.atBottom && rows.length !== previous.count) {
      virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
    }
    anchor.current = { ...previous, firstKey, count: rows.length, height: virtualizer.getTotalSize() };
    // Still at the top after a page arrived (a short page, a tall window): read the next one.
    if (element.scrollTop < LOAD_OLDER_AT && state.hasOlder && !state.loadingOlder && previous.count > 0)
      void state.loadOlder();
  }, [rows, virtualizer, state]);

  const [awayFromBottom, setAwayFromBottom] = useState(false);
  const onScroll = () => {
    const element = scroller.current;
    if (element === null) return;
    anchor.current.atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
    if (awayFromBottom === anchor.current.atBottom) setAwayFromBottom(!anchor.current.atBottom);
    anchor.current.height = virtualizer.getTotalSize();
    if (element.scrollTop < LOAD_OLDER_AT && state.hasOlder && !state.loadingOlder) void state.loadOlder();
  };

  const items = virtualizer.getVirtualItems();
  return (
    <div className="message-area">
      <div className="message-scroller" ref={scroller} onScroll={onScroll}>
        <ol
          className="message-list"
          aria-label="Messages"
          aria-busy={!state.loaded || state.loadingOlder}
          style={{ height: virtualizer.getTotalSize() }}
        >
          {items.map((item) => {
            const row = rows[item.index];
            if (row === undefined) return null;
            return (
              <li
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className="message-row"
                style={{ transform: `translateY(${item.start}px)` }}
              >
                {row.kind === 'notice' ? (
                  <EncryptionNotice conversation={conversation} />
                ) : row.kind === 'day' ? (
                  <div className="day-separator" role="separator" aria-label={row.label}>
                    <span>{row.label}</span>
                  </div>
                ) : isEngineLine(messageKind(row.message)) ? (
                  <SystemRow conversation={conversation} message={row.message} />
                ) : (
                  <MessageBubble
                    conversation={conversation}
                    message={row.message}
                    first={row.first}
                    last={row.last}
                    quoted={
                      row.message.replyTo === undefined ? undefined : (byId.get(row.message.replyTo) ?? null)
                    }
                    onReply={onReply}
                    onEdit={onEdit}
                    onChanged={onChanged}
                  />
                )}
              </li>
            );
          })}
        </ol>
        {typing && (
          <p className="typing-indicator" role="status">
            {conversation.title} is typing…
          </p>
        )}
      </div>
      {awayFromBottom && (
        <IconButton
          icon="chevronDown"
          label="Scroll to the latest message"
          className="scroll-to-latest"
          onClick={() => virtualizer.scrollToIndex(rows.length - 1, { align: 'end' })}
        />
      )}
    </div>
  );
}

/** A line the engine wrote (a group change, a call), centred, drawn by the feature registered for its kind. */
function SystemRow({ conversation, message }: { conversation: Conversation; message: StoredMessage }) {
  const Body = useRegistry().messageBody(messageKind(message));
  return (
    <div className="system-row" data-message-id={message.id}>
      {Body !== undefined && <Body message={message} conversation={conversation} />}
    </div>
  );
}
