import type { ParleyError } from '../errors/index.js';
import type { Contact, MessageState, StoredMessage } from '../storage/index.js';
import type { GroupState } from './messaging/content.js';
import type { ConversationSummary } from './conversations/types.js';
import type { VerificationState } from './contacts/types.js';
import type { StatusUpdate } from './status/types.js';
import type { Route } from './links/direct-links.js';
import type { CallSnapshot } from '../calls/index.js';
import type { GroupCallActivity } from './group-calls/types.js';

/** Everything a ParleyClient reports. A listener that throws never breaks the client or other listeners. */
export interface ParleyClientEvents {
  [event: string]: unknown;
  /** Authenticated with a relay (again after every reconnect). */
  connected: { readonly relayUrl: string };
  disconnected: { readonly relayUrl: string; readonly reason: string };
  /** A new incoming message was stored. */
  message: { readonly message: StoredMessage; readonly via: 'direct' | 'relay' };
  /** An outgoing message moved on: pending → sent → delivered → read, or failed with a reason. */
  'message-state': {
    readonly messageId: string;
    readonly conversationId: string;
    readonly state: MessageState;
    readonly reason?: string;
  };
  'message-edited': { readonly messageId: string; readonly text: string; readonly editedAt: number };
  'message-deleted': { readonly messageId: string; readonly reason: 'sender' | 'expired' };
  reaction: {
    readonly messageId: string;
    readonly from: string;
    readonly emoji: string;
    readonly removed: boolean;
  };
  /** How this conversation's messages travel now. */
  route: { readonly conversationId: string; readonly route: Route };
  /**
   * How messages to one device travel now: a contact's device, or one of our own (linked devices). `route`
   * shows a contact's conversation as the least direct of its devices'.
   */
  'device-route': { readonly account: string; readonly deviceId: number; readonly route: Route };
  typing: { readonly account: string; readonly typing: boolean };
  presence: { readonly account: string; readonly online: boolean; readonly lastSeen?: number };
  'contact-added': Contact;
  /** A contact calls: show the incoming-call screen (`client.calls.accept` / `decline`). */
  'call-incoming': CallSnapshot;
  /** Every change of the current call, up to its `ended` (its line then arrives as a `message`). */
  'call-state': CallSnapshot;
  /** A remote media track of the call (a MediaStreamTrack of the platform's WebRTC). */
  'call-track': { readonly callId: string; readonly track: unknown; readonly streams: readonly unknown[] };
  /** The peer turned its microphone or camera on or off, or started or stopped sharing its screen. */
  'call-mute': {
    readonly callId: string;
    readonly audio: boolean;
    readonly video: boolean;
    readonly screen: boolean;
  };
  /**
   * A direct link was refused because its signalling did not open in the pair's session: the relay (or
   * someone) altered, replayed or replaced it. The link fails closed; messages keep going through the relay.
   */
  'link-refused': { readonly conversationId: string; readonly account: string; readonly error: ParleyError };
  /** A contact's display name or avatar changed (its profile message arrived). */
  'contact-updated': Contact;
  /**
   * An account's verified device list changed (a contact's, or our own): devices linked and removed. A
   * contact's one-to-one conversation also gets a `kind: 'device'` line (devices/device-lines.ts).
   */
  devices: {
    readonly account: string;
    readonly added: readonly number[];
    readonly removed: readonly number[];
  };
  /** Our own linked devices unseen for 30 days were dropped from the account's list (primary only). */
  'devices-dropped': { readonly deviceIds: readonly number[] };
  /** What the chat list shows for this conversation changed: new message, read, rename, pin, archive, mute. */
  'conversation-updated': ConversationSummary;
  /** The relay refused this identity (wrong or missing invite / one-time code); `setAccess` tries again. */
  'access-denied': { readonly relayUrl: string; readonly error: ParleyError };
  /** A contact's verification changed: verified, unverified, or a verified key that changed. */
  verification: { readonly account: string; readonly state: VerificationState };
  'disappearing-timer': { readonly conversationId: string; readonly expiresInMs: number | null };
  group: { readonly state: GroupState; readonly removedSelf: boolean };
  /** A group's call started or ended (a member's notice, or ours): `active` is what runs now, if anything. */
  'group-call': { readonly groupId: string; readonly active: GroupCallActivity | undefined };
  status: StatusUpdate;
  'status-viewed': { readonly statusId: string; readonly viewer: string };
  'status-expired': { readonly statusId: string };
  /** Its author deleted a status (here, or on their device and told us): no longer shown. */
  'status-deleted': { readonly statusId: string; readonly author: string };
  'file-progress': {
    readonly messageId: string;
    readonly direction: 'send' | 'receive';
    readonly bytes: number;
    readonly total: number;
  };
  /** A file was announced: what to show before its bytes arrive (the thumbnail rides in the message). */
  'file-offered': {
    readonly messageId: string;
    readonly name: string;
    readonly mimeType: string;
    readonly thumbnail?: Uint8Array;
    readonly voice?: { readonly durationMs: number; readonly waveform: readonly number[] };
  };
  /**
   * A file will not arrive. Sending: the recipient refused it (no space, refused, over its size limit) and
   * the message is now failed with `reason`. Receiving: this device could not take it (the sender was told).
   */
  'file-failed': {
    readonly messageId: string;
    readonly direction: 'send' | 'receive';
    readonly reason: string;
  };
  /** The peer confirmed every byte of a file we sent, and its hash. */
  'file-sent': { readonly messageId: string };
  /** A failed upload of ours started again (`files.retry`): it is transferring once more. */
  'file-retried': { readonly messageId: string };
  /** A transfer was cancelled, here (`by: 'local'`) or by the other side: it stopped and will not resume. */
  'file-cancelled': {
    readonly messageId: string;
    readonly direction: 'send' | 'receive';
    readonly by: 'local' | 'remote';
  };
  /** A file arrived complete and decrypted into its sink; its digest matched. */
  file: {
    readonly messageId: string;
    readonly name: string;
    readonly mimeType: string;
    readonly size: number;
    /** The plaintext, when the default in-memory sink received it (no `fileSink` configured). */
    readonly bytes?: Uint8Array;
    readonly voice?: { readonly durationMs: number; readonly waveform: readonly number[] };
  };
  /** Something failed that no call is waiting for (an undecryptable blob, a rejected group change). */
  error: ParleyError;
}
