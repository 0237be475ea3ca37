import { ParleyError } from '../errors/index.js';
import type { MessageSortKey, NewMessage } from './types.js';

/** The sort key of a message; see {@link MessageSortKey} for why each component is there. */
export function sortKeyOf(message: NewMessage): MessageSortKey {
  const { sentAt, senderCounter, sender, id } = message;
  if (!Number.isFinite(sentAt))
    throw new ParleyError('BAD_REQUEST', 'message sentAt must be a finite number');
  if (!Number.isSafeInteger(senderCounter) || senderCounter < 0) {
    throw new ParleyError('BAD_REQUEST', 'message senderCounter must be a non-negative integer');
  }
  if (!Number.isSafeInteger(sender.deviceId))
    throw new ParleyError('BAD_REQUEST', 'sender deviceId must be an integer');
  if (typeof id !== 'string' || id.length === 0)
    throw new ParleyError('BAD_REQUEST', 'message id must be a string');
  return [sentAt, senderCounter, sender.name, sender.deviceId, id];
}

/**
 * Compares two sort keys the way IndexedDB compares them (numbers numerically, strings by UTF-16 code unit), for
 * results gathered outside an index, such as search hits.
 */
export function compareSortKeys(a: MessageSortKey, b: MessageSortKey): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number | string;
    const y = b[i] as number | string;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}
