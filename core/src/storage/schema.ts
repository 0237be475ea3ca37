import type { DBSchema } from 'idb';
import type { SignedDeviceList } from '../protocol/devices.js';
import type {
  AttachmentMetadata,
  Contact,
  Conversation,
  MessageSortKey,
  OutboxEntry,
  StoredMessage,
} from './types.js';

/** Bumped by exactly one for each file in migrations/; MIGRATIONS[i] upgrades version i to i + 1. */
export const SCHEMA_VERSION = 6;

/** Secret bytes as stored: the output of KeyWrapper.wrap, never the plain key. */
export type WrappedBytes = Uint8Array;

export interface MetaRow {
  key: string;
  value: unknown;
}

/**
 * This device's identity: the crypto layer's SerializedIdentity as JSON, wrapped. `account` is set on a
 * linked device (its identity key is its own, the account is the primary's); absent, the device's own key is
 * the account key. `deviceId` 0 marks a device made for linking that no list names yet.
 */
export interface IdentityRow {
  slot: 'self';
  deviceId: number;
  account?: string;
  createdAt: number;
  secret: WrappedBytes;
}

/** A ratchet session record (the crypto layer's JSON), wrapped; keyed by (account, device). */
export interface SessionRow {
  name: string;
  deviceId: number;
  record: WrappedBytes;
  updatedAt: number;
}

/** A peer account's identity key and whether the user verified it; public, so not wrapped. */
export interface TrustedIdentityRow {
  name: string;
  identityKey: Uint8Array;
  verified: boolean;
  firstSeen: number;
}

export type PreKeyKind = 'signed' | 'one-time';

export interface PreKeyRow {
  kind: PreKeyKind;
  keyId: number;
  record: WrappedBytes;
}

export interface SenderKeyRow {
  groupId: string;
  name: string;
  deviceId: number;
  record: WrappedBytes;
}

/** Since migration 005 the file name is sealed too (`sealedFileName`); older rows keep `fileName` in clear. */
export type AttachmentRow = Omit<AttachmentMetadata, 'key' | 'fileName'> & {
  key: WrappedBytes;
} & ({ sealedFileName: WrappedBytes } | { fileName: string });

/**
 * A message on disk since migration 005: its text (the words, a file's caption or name, an edit) sealed by the
 * ContentCipher; ids, order, state and timestamps stay clear for the indexes. A row still holding `text` in
 * clear is one written before 005 that its data step has not re-encrypted yet.
 */
export interface SealedMessageRow extends Omit<StoredMessage, 'text'> {
  sealedText: WrappedBytes;
}

export type MessageRow = SealedMessageRow | StoredMessage;

/** An outbox entry on disk since migration 005: the payload (the message's whole content) sealed. */
export interface SealedOutboxRow extends Omit<OutboxEntry, 'payload'> {
  sealedPayload: WrappedBytes;
}

export type OutboxRow = SealedOutboxRow | OutboxEntry;

/**
 * A message's search tokens: since migration 005 keyed hashes of its tokens and their prefixes (ContentCipher),
 * never the words. The multiEntry index byToken is the inverted index (token → message ids), so a
 * prefix query is one key range over it, and re-indexing a message is one put or delete of its row.
 */
export interface SearchTokenRow {
  messageId: string;
  conversationId: string;
  tokens: string[];
}

/**
 * One value of the engine's state (group states with their members, admins, invite secret and sender-key
 * bookkeeping; statuses; timers; contacts' relays; reactions): JSON, sealed with the key wrapper as a whole.
 */
export interface EngineStateRow {
  key: string;
  sealed: WrappedBytes;
}

/**
 * The highest verified device list of one account (the wire form, checked again when read) and when each of
 * its devices was last seen by this device (ms, by device id). Since migration 006.
 */
export interface DeviceListRow {
  account: string;
  list: SignedDeviceList;
  lastSeen: Record<string, number>;
}

export interface ParleySchema extends DBSchema {
  meta: { key: string; value: MetaRow };
  identity: { key: 'self'; value: IdentityRow };
  sessions: { key: [string, number]; value: SessionRow; indexes: { byName: string } };
  trustedIdentities: { key: string; value: TrustedIdentityRow };
  preKeys: { key: [PreKeyKind, number]; value: PreKeyRow };
  senderKeys: { key: [string, string, number]; value: SenderKeyRow; indexes: { byGroup: string } };
  contacts: { key: string; value: Contact };
  conversations: { key: string; value: Conversation; indexes: { byLastActivity: number } };
  messages: {
    key: string;
    value: MessageRow;
    indexes: { byConversationOrder: [string, MessageSortKey] };
  };
  outbox: {
    key: string;
    value: OutboxRow;
    indexes: { byNextAttemptAt: number; byMessage: string };
  };
  attachments: { key: string; value: AttachmentRow; indexes: { byMessage: string } };
  searchTokens: { key: string; value: SearchTokenRow; indexes: { byToken: string } };
  engineState: { key: string; value: EngineStateRow };
  deviceLists: { key: string; value: DeviceListRow };
}

export const STORE_NAMES = [
  'meta',
  'identity',
  'sessions',
  'trustedIdentities',
  'preKeys',
  'senderKeys',
  'contacts',
  'conversations',
  'messages',
  'outbox',
  'attachments',
  'searchTokens',
  'engineState',
  'deviceLists',
] as const satisfies readonly (keyof ParleySchema)[];
