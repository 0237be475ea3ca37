// conversations/: the chat list (summaries, pin / archive / mute, unread, search) and disappearing timers.
// It reads messages to summarise them; it never sends or decrypts any (that is messaging/).
export { ConversationsService } from './conversations-service.js';
export type { ConversationSummary, MessageKind, MessagePreview, SearchHit } from './types.js';
