import { ParleyError } from '../errors/index.js';
import {
  startTransaction,
  type KeyRangeConstructor,
  type ParleyDb,
  type ParleyTransaction,
  type StoreName,
} from './idb-environment.js';
import type { ContentCipher } from './content-cipher.js';
import type { KeyWrapper } from './key-wrapper.js';

/** What every repository shares: the open database (until closed), key ranges, the key wrapper and the clock. */
export class StorageContext {
  private open = true;

  constructor(
    private readonly database: ParleyDb,
    readonly keyRange: KeyRangeConstructor,
    readonly keyWrapper: KeyWrapper,
    readonly now: () => number,
    /** Seals user content and hashes search terms (content-cipher.ts). */
    readonly content: ContentCipher,
  ) {}

  get db(): ParleyDb {
    if (!this.open) throw new ParleyError('CLOSED', 'the client database is closed');
    return this.database;
  }

  get closed(): boolean {
    return !this.open;
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.database.close();
  }

  read(stores: readonly StoreName[]): ParleyTransaction<'readonly'> {
    return startTransaction(this.db, stores, 'readonly');
  }

  write(stores: readonly StoreName[]): ParleyTransaction<'readwrite'> {
    return startTransaction(this.db, stores, 'readwrite');
  }

  async wrapText(text: string): Promise<Uint8Array> {
    return this.keyWrapper.wrap(new TextEncoder().encode(text));
  }

  async unwrapText(wrapped: Uint8Array): Promise<string> {
    return new TextDecoder('utf-8', { fatal: true }).decode(await this.keyWrapper.unwrap(wrapped));
  }
}

/**
 * Runs `body` inside `tx` and resolves only once the transaction has committed. If `body` fails, the transaction
 * is aborted, so none of its writes land: this is what makes multi-store updates all-or-nothing. Nothing but
 * IndexedDB requests may be awaited inside `body` (any other await lets the transaction auto-commit), which is
 * why keys are wrapped before a transaction starts.
 */
export async function inTransaction<T, Tx extends ParleyTransaction<'readonly' | 'readwrite'>>(
  tx: Tx,
  body: (tx: Tx) => Promise<T>,
): Promise<T> {
  let result: T;
  try {
    result = await body(tx);
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // The failed request already aborted it.
    }
    await tx.done.catch(() => undefined);
    throw error;
  }
  await tx.done;
  return result;
}
