import type { ContentCipher } from '../content-cipher.js';
import { inTransaction } from '../context.js';
import {
  startTransaction,
  type KeyRangeConstructor,
  type ParleyDb,
  type ParleyTransaction,
} from '../idb-environment.js';
import { openOutboxEntry, sealOutboxEntry } from '../repositories/outbox.js';
import { openMessage, sealMessage } from '../repositories/messages.js';
import { indexMessage } from '../search-index.js';

/** Set by the schema step while rows written before version 5 still wait to be re-encrypted. */
export const META_RESEAL_PENDING = 'reseal005';

const BATCH = 500;

/**
 * Version 5: message text, outbox payloads, attachment file names and the search index are no longer stored
 * in clear.
 *
 * IndexedDB cannot wait for the (asynchronous, possibly IPC-backed) KeyWrapper inside a version-change
 * transaction, so this migration has two halves. The schema step, here, deletes every plaintext search token
 * at once and marks the database; the data step, {@link resealLegacyRows}, runs as soon as the open has the
 * content key, before the database is handed out: it seals each remaining clear row in place and re-indexes it
 * with keyed hashes, a batch per transaction. Interrupted, it continues on the next open (sealed rows are
 * skipped); until it finishes, readers accept both forms.
 */
export async function migration005SealedContent(
  _db: ParleyDb,
  tx: ParleyTransaction<'versionchange'>,
): Promise<void> {
  await tx.objectStore('searchTokens').clear();
  await tx.objectStore('meta').put({ key: META_RESEAL_PENDING, value: true });
}

/** The data step of migration 005; a no-op once done. */
export async function resealLegacyRows(
  db: ParleyDb,
  cipher: ContentCipher,
  keyRange: KeyRangeConstructor,
): Promise<void> {
  if ((await db.get('meta', META_RESEAL_PENDING)) === undefined) return;
  // Message ids are strings, and every array key sorts after every string: (after, []] is "the rest".
  let after: string | undefined;
  for (;;) {
    const range = after === undefined ? undefined : keyRange.bound(after, [], true, false);
    const tx = startTransaction(db, ['messages', 'searchTokens'], 'readwrite');
    const batch = await inTransaction(tx, async () => {
      const store = tx.objectStore('messages');
      const rows = await store.getAll(range as never, BATCH);
      await Promise.all(
        rows.flatMap((row) => {
          if ('sealedText' in row) return [];
          const message = openMessage(cipher, row);
          return [store.put(sealMessage(cipher, message)), indexMessage(tx, cipher, message)];
        }),
      );
      return rows.at(-1)?.id;
    });
    if (batch === undefined) break;
    after = batch;
  }
  const tx = startTransaction(db, ['outbox', 'attachments', 'meta'], 'readwrite');
  await inTransaction(tx, async () => {
    const store = tx.objectStore('outbox');
    for (let cursor = await store.openCursor(); cursor !== null; cursor = await cursor.continue()) {
      if (!('sealedPayload' in cursor.value))
        await cursor.update(sealOutboxEntry(cipher, openOutboxEntry(cipher, cursor.value)));
    }
    const attachments = tx.objectStore('attachments');
    for (let cursor = await attachments.openCursor(); cursor !== null; cursor = await cursor.continue()) {
      const row = cursor.value;
      if ('fileName' in row) {
        const { fileName, ...rest } = row;
        await cursor.update({ ...rest, sealedFileName: cipher.sealText(fileName) });
      }
    }
    await tx.objectStore('meta').delete(META_RESEAL_PENDING);
  });
}
