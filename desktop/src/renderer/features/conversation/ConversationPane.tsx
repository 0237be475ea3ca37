import { conversationTitle, useContacts, useConversation } from '../../app/data/use-conversations.js';
import { useNavigation } from '../../app/navigation.js';
import { Icon } from '../../ui/Icon.js';
import { ConversationView } from './ConversationView.js';
import './conversation.css';

/** The middle column: the open conversation, or a placeholder when none is open. */
export function ConversationPane() {
  const { conversationId } = useNavigation();
  const conversation = useConversation(conversationId);
  const contacts = useContacts();
  if (conversationId === undefined || conversation === null) {
    return (
      <section className="conversation-pane conversation-empty" aria-label="No conversation open">
        <h2>Parley</h2>
        <p>Pick a chat on the left, or add a contact to start one.</p>
        <p className="e2e-note">
          <Icon name="lock" size={14} /> Your personal messages are end-to-end encrypted
        </p>
      </section>
    );
  }
  if (conversation === undefined) return <section className="conversation-pane" aria-busy="true" />;
  // Children read `title`: for a one-to-one chat, the contact's current name.
  const titled = { ...conversation, title: conversationTitle(conversation, contacts) };
  return <ConversationView key={conversation.id} conversation={titled} />;
}
