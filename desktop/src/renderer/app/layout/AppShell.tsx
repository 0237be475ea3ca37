import { ChatListPane } from '../../features/chats/ChatListPane.js';
import { ConversationPane } from '../../features/conversation/ConversationPane.js';
import { useNavigation } from '../navigation.js';
import { useRegistry } from '../registry-context.js';
import { SurfaceHost } from './SurfaceHost.js';
import './layout.css';

/**
 * WhatsApp-Desktop's layout: the chat list on the left, the open conversation in the middle, a side panel on
 * the right when one is open. Below 760 px one column shows at a time (list, or conversation, or panel).
 */
export function AppShell() {
  const { conversationId, panel } = useNavigation();
  const registry = useRegistry();
  const focus = panel !== undefined ? 'panel' : conversationId !== undefined ? 'conversation' : 'list';
  return (
    <div className={`app-shell focus-${focus} ${conversationId === undefined ? '' : 'conversation-open'}`}>
      {registry.services.map((Service, index) => (
        <Service key={index} />
      ))}
      <ChatListPane />
      <ConversationPane />
      <SurfaceHost />
    </div>
  );
}
