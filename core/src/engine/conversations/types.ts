import type { ConversationKind, MessageState } from '../../storage/index.js';

/** What a chat list row shows for one conversation. */
export interface ConversationSummary {
  readonly id: string;
  readonly kind: ConversationKind;
  /** The contact's display name, or the group's name. */
  readonly title: string;
  /** The contact's or group's avatar image bytes, if it has one. */
  readonly avatar?: Uint8Array;
  readonly lastMessage?: MessagePreview;
  /** Sender time of the newest message, or when the conversation was created. */
  readonly lastActivity: number;
  readonly unreadCount: number;
  readonly pinned: boolean;
  readonly archived: boolean;
  readonly muted: boolean;
}

/** What a message is, for a preview: files are labelled by kind, not shown by name alone. */
export type MessageKind = 'text' | 'photo' | 'video' | 'voice' | 'file' | 'deleted';

export interface MessagePreview {
  readonly messageId: string;
  readonly kind: MessageKind;
  /** The text, or a label: "Photo", "Video", "Voice message", "File: report.pdf", "Message deleted". */
  readonly preview: string;
  readonly sentAt: number;
  readonly direction: 'incoming' | 'outgoing';
  /** Sender account (for "Alice: …" in group rows). */
  readonly sender: string;
  readonly state: MessageState;
}

/** One message whose text matches a search. */
export interface SearchHit {
  readonly messageId: string;
  readonly conversationId: string;
  readonly text: string;
  readonly sentAt: number;
  readonly sender: string;
  readonly direction: 'incoming' | 'outgoing';
}
