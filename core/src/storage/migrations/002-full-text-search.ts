import type { ParleyDb, ParleyTransaction } from '../idb-environment.js';
import type { StoredMessage } from '../types.js';
import { tokenize } from '../tokenize.js';

/**
 * Version 2: the full-text token index, back-filled from the messages stored so far. (These tokens were plain
 * words; migration 005 replaces them with keyed hashes.)
 */
export async function migration002FullTextSearch(
  db: ParleyDb,
  tx: ParleyTransaction<'versionchange'>,
): Promise<void> {
  const tokens = db.createObjectStore('searchTokens', { keyPath: 'messageId' });
  tokens.createIndex('byToken', 'tokens', { multiEntry: true });
  for await (const cursor of tx.objectStore('messages')) {
    // Rows of this era always hold their text in clear.
    const message = cursor.value as StoredMessage;
    const words = message.deletedAt === undefined ? tokenize(message.text) : [];
    if (words.length > 0)
      await tx
        .objectStore('searchTokens')
        .put({ messageId: message.id, conversationId: message.conversationId, tokens: words });
  }
}
