import { memo, useState } from 'react';
import type { Conversation, StoredMessage } from '@parley/core';
import { useAsync, useClient, useSession } from '../../app/client-context.js';
import { useContacts } from '../../app/data/use-conversations.js';
import { useReactions } from '../../app/data/use-messages.js';
import { messageKind } from '../../app/extensions.js';
import { useRegistry } from '../../app/registry-context.js';
import { IconButton } from '../../ui/Button.js';
import { MessageText } from '../message-text/MessageText.js';
import { MessageMenu } from './MessageMenu.js';
import { RecallNotice } from './RecallNotice.js';
import { timeOfDay } from './format.js';
import { tickFor } from './ticks.js';

interface BubbleProps {
  conversation: Conversation;
  message: StoredMessage;
  first: boolean;
  last: boolean;
  /** The message this one replies to: undefined if not a reply, null if it is not loaded (or gone). */
  quoted: StoredMessage | null | undefined;
  onReply: (message: StoredMessage) => void;
  onEdit: (message: StoredMessage) => void;
  onChanged: (messageId: string) => void;
}

/** One message: quote, body (by kind, from the registry), time, edited mark, ticks, reactions, its menu. */
export const MessageBubble = memo(function MessageBubble(props: BubbleProps) {
  const { conversation, message, first, last, quoted } = props;
  const registry = useRegistry();
  const contacts = useContacts();
  const [menuOpen, setMenuOpen] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const outgoing = message.direction === 'outgoing';
  const kind = messageKind(message);
  const Body = registry.messageBody(kind);
  const tick = outgoing ? tickFor(message.state) : undefined;
  const senderName = outgoing
    ? 'You'
    : (contacts.get(message.sender.name)?.displayName ?? conversation.title);
  const time = timeOfDay(message.sentAt);

  return (
    <div
      className={`bubble-line ${outgoing ? 'outgoing' : 'incoming'} ${first ? 'first' : ''} ${last ? 'last' : ''}`}
    >
      <article
        className={`bubble ${kind === 'deleted' ? 'deleted' : ''}`}
        aria-label={`${senderName} at ${time}`}
        data-message-id={message.id}
        data-state={message.state}
      >
        {conversation.kind === 'group' && !outgoing && first && <p className="bubble-sender">{senderName}</p>}
        {quoted !== undefined && message.replyTo !== undefined && (
          <Quote replyTo={message.replyTo} loaded={quoted} conversation={conversation} />
        )}
        <div className="bubble-body">
          {Body !== undefined ? (
            <Body message={message} conversation={conversation} />
          ) : kind === 'deleted' && message.recall !== undefined ? (
            <RecallNotice message={message} />
          ) : kind === 'deleted' ? (
            <p className="bubble-text deleted-text">
              {outgoing ? 'You deleted this message' : 'This message was deleted'}
            </p>
          ) : kind === 'file' ? (
            <p className="bubble-text">📎 {message.text || 'File'}</p>
          ) : (
            <MessageText text={message.text} />
          )}
        </div>
        <footer className="bubble-meta">
          {message.editedAt !== undefined && kind !== 'deleted' && <span className="edited">edited</span>}
          <time dateTime={new Date(message.sentAt).toISOString()}>{time}</time>
          {tick !== undefined && (
            <span className={`tick tick-${tick.tone}`} role="img" aria-label={tick.label} title={tick.label}>
              {tick.glyph}
            </span>
          )}
        </footer>
        {kind !== 'deleted' && (
          <IconButton
            icon="chevronDown"
            label="Message options"
            className="bubble-menu-button"
            aria-haspopup="menu"
            aria-expanded={menuOpen}
            onClick={() => setMenuOpen((open) => !open)}
          />
        )}
        {menuOpen && (
          <MessageMenu
            conversation={conversation}
            message={message}
            close={() => setMenuOpen(false)}
            onReply={props.onReply}
            onEdit={props.onEdit}
            onChanged={props.onChanged}
            onError={setFailure}
          />
        )}
      </article>
      <Reactions message={message} />
      {failure !== undefined && (
        <p role="alert" className="form-error bubble-error">
          {failure}
        </p>
      )}
    </div>
  );
});

function Quote({
  replyTo,
  loaded,
  conversation,
}: {
  replyTo: string;
  loaded: StoredMessage | null;
  conversation: Conversation;
}) {
  const client = useClient();
  const contacts = useContacts();
  // The quoted message may be on a page not loaded yet: read it from the database.
  const { value: fetched } = useAsync(
    async () => (loaded === null ? ((await client.db.messages.get(replyTo)) ?? null) : null),
    [client, replyTo, loaded === null],
  );
  const quoted = loaded ?? fetched ?? null;
  if (quoted === null || quoted.conversationId !== conversation.id)
    return <blockquote className="quote">Original message not found</blockquote>;
  const name =
    quoted.direction === 'outgoing'
      ? 'You'
      : (contacts.get(quoted.sender.name)?.displayName ?? conversation.title);
  return (
    <blockquote className="quote" aria-label={`Reply to ${name}`}>
      <span className="quote-name">{name}</span>
      <span className="quote-text">
        {quoted.deletedAt !== undefined ? 'This message was deleted' : quoted.text}
      </span>
    </blockquote>
  );
}

function Reactions({ message }: { message: StoredMessage }) {
  const client = useClient();
  const { live } = useSession();
  const reactions = useReactions(message.id);
  if (reactions.length === 0) return null;
  const counts = new Map<string, { count: number; mine: boolean }>();
  for (const reaction of reactions) {
    const entry = counts.get(reaction.emoji) ?? { count: 0, mine: false };
    counts.set(reaction.emoji, {
      count: entry.count + 1,
      mine: entry.mine || reaction.from === client.account,
    });
  }
  return (
    <ul className="reactions" aria-label="Reactions">
      {[...counts].map(([emoji, { count, mine }]) => (
        <li key={emoji}>
          <button
            type="button"
            className={`reaction ${mine ? 'mine' : ''}`}
            aria-pressed={mine}
            aria-label={`${emoji} ${count}${mine ? ', yours: remove' : ''}`}
            disabled={!mine}
            onClick={() =>
              void client.messages.react(message.id, emoji, true).then(() => live.reactionChange())
            }
          >
            {emoji} {count > 1 ? count : ''}
          </button>
        </li>
      ))}
    </ul>
  );
}
