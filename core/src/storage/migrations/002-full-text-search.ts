import type { ParleyDb, ParleyTransaction } from '../idb-environment.js';
import { indexMessage } from '../search-index.js';

/** Version 2: the full-text token index, back-filled from the messages stored so far. */
export async function migration002FullTextSearch(
  db: ParleyDb,
  tx: ParleyTransaction<'versionchange'>,
): Promise<void> {
  const tokens = db.createObjectStore('searchTokens', { keyPath: 'messageId' });
  tokens.createIndex('byToken', 'tokens', { multiEntry: true });
  for await (const cursor of tx.objectStore('messages')) {
    await indexMessage(tx, cursor.value);
  }
}
