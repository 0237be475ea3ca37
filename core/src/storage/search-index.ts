import type { ParleyTransaction } from './idb-environment.js';
import type { StoredMessage } from './types.js';
import { tokenize } from './tokenize.js';

type TokenTx = ParleyTransaction<'readwrite' | 'versionchange'>;

/**
 * Writes a message's tokens to the full-text index, inside the caller's transaction. `replacing` (edits and
 * deletes) also clears the tokens of the previous text when the new one has none; tombstones have none.
 */
export async function indexMessage(tx: TokenTx, message: StoredMessage, replacing = false): Promise<void> {
  const store = tx.objectStore('searchTokens');
  const tokens = message.deletedAt === undefined ? tokenize(message.text) : [];
  if (tokens.length === 0) {
    if (replacing) await store.delete(message.id);
    return;
  }
  await store.put({ messageId: message.id, conversationId: message.conversationId, tokens });
}
