import type { ProtocolAddress } from '../crypto/index.js';
import type { RecallReceipt } from '../protocol/blobs.js';

/*
 * Records kept in the client database. Peers are addressed as the crypto layer's ProtocolAddress, (account
 * identity string, device id), everywhere, so linked devices fit without a schema change.
 */

export interface Contact {
  readonly account: string;
  readonly displayName: string;
  /** The devices known for this account; sessions are per device. */
  readonly deviceIds: readonly number[];
  readonly addedAt: number;
  readonly blocked: boolean;
  /**
   * false: a message request (someone who wrote first), until the person accepts or blocks it. Absent on
   * contacts added from a link and on records from before requests existed: accepted.
   */
  readonly accepted?: boolean;
  /** The small image the contact chose (its profile message); absent until it sends one. */
  readonly avatar?: Uint8Array;
}

export type ConversationKind = 'direct' | 'group';

export interface Conversation {
  readonly id: string;
  readonly kind: ConversationKind;
  readonly title: string;
  /** Member accounts, the local account excluded. */
  readonly members: readonly string[];
  /** Sender timestamp of the newest message, or creation time; indexed to list conversations by recency. */
  readonly lastActivity: number;
  readonly lastMessageId?: string;
  readonly unreadCount: number;
  readonly archived: boolean;
  /** Local only: shown above the others in the chat list. Absent (false) on records written before it existed. */
  readonly pinned?: boolean;
  /** Local only: no notifications. */
  readonly muted?: boolean;
}

/** received: an incoming message; the others follow an outgoing message from the outbox to the peer's screen. */
export type MessageState = 'received' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/**
 * The total order of a conversation: sender timestamp, then the sender's own counter, then sender account, sender
 * device and message id as deterministic tie-breakers, so every device shows the same order whatever the order of
 * arrival. Stored as one array field so that the index [conversationId, sortKey] pages without scanning.
 */
export type MessageSortKey = readonly [
  sentAt: number,
  senderCounter: number,
  senderAccount: string,
  senderDeviceId: number,
  id: string,
];

export interface NewMessage {
  /** Globally unique, chosen by the sender; inserting an id twice is a no-op. */
  readonly id: string;
  readonly conversationId: string;
  readonly sender: ProtocolAddress;
  /** The sender's clock, milliseconds since the epoch. */
  readonly sentAt: number;
  /** Increments per message on the sending device; orders messages sent within one millisecond. */
  readonly senderCounter: number;
  readonly receivedAt: number;
  readonly direction: 'incoming' | 'outgoing';
  readonly state: MessageState;
  /** Plain text as typed; stored verbatim (escaping is the renderer's job). */
  readonly text: string;
  readonly attachmentIds?: readonly string[];
  readonly replyTo?: string;
  /**
   * Absent for a message someone sent. 'group-change': a line this device wrote into a group's conversation
   * for an accepted group change (its text is the change, engine/group-changes.ts); 'call': a finished call's
   * log line (its text is the CallLogEntry, engine/calls/call-lines.ts); 'group-call': a group call's log line
   * (engine/group-calls/group-call-lines.ts). All never sent, never unread,
   * not searchable, and it does not become the conversation's last message.
   */
  readonly kind?: 'group-change' | 'call' | 'group-call';
}

export interface StoredMessage extends NewMessage {
  readonly sortKey: MessageSortKey;
  readonly editedAt?: number;
  /** Set by delete-for-everyone: the text is gone, the record stays as a tombstone so a late copy is not revived. */
  readonly deletedAt?: number;
  /**
   * Deleted before delivery: the relay's signed receipt that it deleted the copy before the recipient got it
   * (docs/protocol.md, "Recall"), and the relay that held it. Optional, no index: no migration.
   */
  readonly recall?: RecallProof;
}

export interface RecallProof {
  readonly receipt: RecallReceipt;
  readonly relayUrl: string;
  /** The recipient (relay identity) the receipt must name as never having received it. */
  readonly recipient: string;
}

export type InsertResult = 'inserted' | 'duplicate';

export interface MessagePage {
  /** Newest first. */
  readonly messages: readonly StoredMessage[];
  /** Pass as `before` to get the next older page; absent when this page was not full (nothing older). */
  readonly nextCursor?: MessageSortKey;
}

export type OutboxState = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/** One message on its way to one recipient device; written before the first send attempt, so it survives restarts. */
export interface OutboxEntry {
  readonly id: string;
  readonly messageId: string;
  readonly conversationId: string;
  readonly recipient: ProtocolAddress;
  /** What to encrypt and send (encryption happens at send time, with the session current then). */
  readonly payload: Uint8Array;
  readonly state: OutboxState;
  readonly attempts: number;
  /** Present only while the entry waits to be sent, which keeps the due-index small. */
  readonly nextAttemptAt?: number;
  readonly lastAttemptAt?: number;
  readonly lastError?: string;
  readonly createdAt: number;
}

export type AttachmentState = 'pending-upload' | 'uploaded' | 'pending-download' | 'downloaded' | 'failed';

export interface AttachmentMetadata {
  readonly id: string;
  readonly messageId: string;
  readonly conversationId: string;
  readonly fileName: string;
  readonly mimeType: string;
  readonly size: number;
  /** The relay's blob id once uploaded. */
  readonly blobId?: string;
  readonly sha256?: Uint8Array;
  /** The attachment's content key; wrapped at rest like every other key. */
  readonly key: Uint8Array;
  readonly state: AttachmentState;
}
