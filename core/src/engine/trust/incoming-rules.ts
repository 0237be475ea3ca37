import { ParleyError } from '../../errors/index.js';
import type { ProtocolAddress } from '../../crypto/index.js';
import type { Content, ContentBody } from '../messaging/content.js';
import { displayText } from './display-text.js';
import { mayUseId } from './message-ids.js';

/** How far back a sender's clock may place a message: the relay keeps blobs 30 days by default, plus a day. */
export const MAX_MESSAGE_AGE_MS = 31 * 24 * 60 * 60 * 1000;

export type Channel = 'pairwise' | 'group';

/**
 * The rules every decrypted content meets before it is stored, whoever's client made it:
 * - group content only arrives through the group's sender-key path (which checks membership): a pairwise
 *   message naming a group could otherwise post as anyone into any group whose id it learnt;
 * - its id is in its sender's namespace (trust/message-ids.ts), so nobody pre-empts another's ids;
 * - its sentAt lies in the window it could have been sent in: from MAX_MESSAGE_AGE_MS before it was received
 *   to when it was received (a sender's clock in the future would pin its message above everything else).
 * - file and display names lose bidirectional overrides and invisible characters.
 * Returns the content to store (sentAt clamped, names cleaned) or throws ACCESS_DENIED.
 */
export function admitContent(
  sender: ProtocolAddress,
  content: Content,
  channel: Channel,
  receivedAt: number,
): Content {
  if (channel === 'pairwise' && content.groupId !== undefined)
    throw new ParleyError('ACCESS_DENIED', 'a one-to-one message cannot speak for a group');
  if (!mayUseId(sender.name, content.id))
    throw new ParleyError('ACCESS_DENIED', "a message under an id of someone else's namespace");
  const sentAt = Math.min(Math.max(content.sentAt, receivedAt - MAX_MESSAGE_AGE_MS), receivedAt);
  return { ...content, sentAt, body: shownNames(content.body) };
}

/** Names someone else chose lose the characters that disguise text (trust/display-text.ts). */
function shownNames(body: ContentBody): ContentBody {
  if (body.type === 'file') return { ...body, name: displayText(body.name) };
  if (body.type === 'profile') return { ...body, displayName: displayText(body.displayName) || '?' };
  return body;
}
