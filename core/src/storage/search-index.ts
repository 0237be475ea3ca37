import type { ContentCipher } from './content-cipher.js';
import type { ParleyTransaction } from './idb-environment.js';
import type { StoredMessage } from './types.js';

type TokenTx = ParleyTransaction<'readwrite' | 'versionchange'>;

/**
 * Writes a message's index entries (keyed hashes of its tokens and their prefixes, never the words) inside the
 * caller's transaction. `replacing` (edits and deletes) also clears the entries of the previous text when the
 * new one has none; tombstones have none.
 */
export async function indexMessage(
  tx: TokenTx,
  cipher: ContentCipher,
  message: StoredMessage,
  replacing = false,
): Promise<void> {
  const store = tx.objectStore('searchTokens');
  const tokens = message.deletedAt === undefined ? cipher.indexTerms(message.text) : [];
  if (tokens.length === 0) {
    if (replacing) await store.delete(message.id);
    return;
  }
  await store.put({ messageId: message.id, conversationId: message.conversationId, tokens });
}
