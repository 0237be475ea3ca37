import type { Conversation, Route } from '@parley/core';
import { useLive } from '../../app/client-context.js';
import { useContacts, useConversationSummary } from '../../app/data/use-conversations.js';
import { useNavigation } from '../../app/navigation.js';
import { useRegistry } from '../../app/registry-context.js';
import { Avatar } from '../../ui/Avatar.js';
import { IconButton } from '../../ui/Button.js';
import { Icon } from '../../ui/Icon.js';
import { avatarUrl } from '../chats/avatar-url.js';
import { memberLine, presenceLine } from './format.js';

const ROUTE_LABELS = {
  direct: { short: 'Direct', long: 'Messages go directly to this contact’s device' },
  turn: { short: 'TURN', long: 'Messages go directly, through a TURN relay for the connection' },
  relay: {
    short: 'Relay',
    long: 'Messages go through the relay, which stores them encrypted until delivered',
  },
  // A link is open, but whether it goes straight or through TURN is known only once its stats are read.
  connecting: {
    short: 'Connecting',
    long: 'A direct connection is open; checking whether it goes through a TURN relay',
  },
} as const satisfies Record<Route, { short: string; long: string }>;

export function ConversationHeader({ conversation }: { conversation: Conversation }) {
  const { openConversation } = useNavigation();
  const registry = useRegistry();
  const peer = conversation.kind === 'direct' ? conversation.members[0] : undefined;
  const route = useLive((live) => live.route(conversation.id));
  const contacts = useContacts();
  const presence = useLive((live) =>
    peer === undefined
      ? ''
      : presenceLine(
          live.presence(peer),
          live.isTyping(peer),
          Date.now(),
          undefined,
          live.reach(conversation.id),
        ),
  );
  let featureLine: string | undefined;
  // Every hook runs on every render, in the registry's fixed order (the rules of hooks).
  for (const hook of registry.headerLines) featureLine ??= hook(conversation);
  const subtitle =
    featureLine ??
    (conversation.kind === 'group'
      ? memberLine(
          conversation.members,
          (account) => contacts.get(account)?.displayName ?? account.slice(0, 8),
        )
      : presence);
  const routeLabel = ROUTE_LABELS[route ?? 'relay'];
  // The contact's profile picture or the group's, kept current by the chat list's 'conversation-updated'.
  const summary = useConversationSummary(conversation.id);
  return (
    <header className="pane-header conversation-header">
      <IconButton
        icon="back"
        label="Back to chats"
        className="back-button"
        onClick={() => openConversation(undefined)}
      />
      <Avatar name={conversation.title} seed={conversation.id} image={avatarUrl(summary?.avatar)} size={40} />
      <div className="conversation-title">
        <h2>{conversation.title}</h2>
        <p className="conversation-subtitle" aria-live="polite" data-testid="presence">
          {subtitle}
        </p>
      </div>
      <span className="e2e-lock" role="img" aria-label="End-to-end encrypted" title="End-to-end encrypted">
        <Icon name="lock" size={16} />
      </span>
      <span
        className={`route-badge route-${route ?? 'relay'}`}
        role="status"
        aria-label={`Route: ${routeLabel.short}`}
        title={routeLabel.long}
      >
        {routeLabel.short}
      </span>
      <div className="pane-actions">
        {registry.conversationHeaderActions.map((Action, index) => (
          <Action key={index} conversation={conversation} />
        ))}
      </div>
    </header>
  );
}
