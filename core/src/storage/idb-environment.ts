import { wrap, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { ParleyError } from '../errors/index.js';
import type { ParleySchema } from './schema.js';

/**
 * The one thing of IndexedDB that callers inject: the factory (`indexedDB` in a browser or an Electron renderer,
 * `new IDBFactory()` from fake-indexeddb in Node tests). core/ compiles without the DOM library, so this is a
 * minimal structural type; the real `IDBFactory` satisfies it, and the cast back to idb's types happens once, in
 * {@link openIndexedDb}.
 */
export interface IndexedDbFactory {
  open(name: string, version?: number): object;
  deleteDatabase(name: string): object;
}

/** The parts of `IDBKeyRange` Parley's queries need (bounds over compound keys). */
export interface KeyRangeConstructor {
  bound(lower: unknown, upper: unknown, lowerOpen?: boolean, upperOpen?: boolean): unknown;
  only(value: unknown): unknown;
}

export type ParleyDb = IDBPDatabase<ParleySchema>;
export type StoreName = StoreNames<ParleySchema>;
export type TransactionMode = 'readonly' | 'readwrite' | 'versionchange';

/**
 * idb's transaction type inherits `abort()` from the DOM's IDBTransaction, which core/ does not compile against;
 * this declares the inherited member Parley uses, so the rest of the code needs no casts.
 */
interface TransactionControl {
  abort(): void;
}

export type ParleyTransaction<Mode extends TransactionMode = 'readwrite'> = IDBPTransaction<
  ParleySchema,
  StoreName[],
  Mode
> &
  TransactionControl;

/** db.transaction with the mode typed (without the DOM library, idb cannot infer it) and `abort()` declared. */
export function startTransaction<Mode extends 'readonly' | 'readwrite'>(
  db: ParleyDb,
  stores: readonly StoreName[],
  mode: Mode,
): ParleyTransaction<Mode> {
  return db.transaction([...stores], mode) as ParleyTransaction<Mode>;
}

/**
 * idb recognises requests, cursors and transactions with `instanceof` against the IndexedDB interface globals
 * (`IDBRequest`, `IDBCursor`, …), and key ranges are built with the global `IDBKeyRange`. Browsers, Electron
 * renderers and workers have them; in Node, install fake-indexeddb's classes first (see `testing/`). Checking
 * up front turns a ReferenceError deep inside idb into a clear error.
 */
const REQUIRED_GLOBALS = [
  'IDBRequest',
  'IDBTransaction',
  'IDBDatabase',
  'IDBObjectStore',
  'IDBIndex',
  'IDBCursor',
  'IDBKeyRange',
];

export function requireIndexedDbGlobals(): KeyRangeConstructor {
  const scope = globalThis as Record<string, unknown>;
  const missing = REQUIRED_GLOBALS.filter((name) => typeof scope[name] !== 'function');
  if (missing.length > 0) {
    throw new ParleyError(
      'UNAVAILABLE',
      `IndexedDB interface globals are missing (${missing.join(', ')}); in Node install fake-indexeddb's classes`,
    );
  }
  return scope['IDBKeyRange'] as KeyRangeConstructor;
}

interface OpenRequest {
  readonly result: unknown;
  readonly transaction: unknown;
  addEventListener(type: 'upgradeneeded', listener: (event: { oldVersion: number }) => void): void;
}

export type Upgrade = (
  db: ParleyDb,
  oldVersion: number,
  tx: ParleyTransaction<'versionchange'>,
) => Promise<void>;

/**
 * idb's `openDB` reads the global `indexedDB`; this is the same thing over an injected factory. A failing (possibly
 * asynchronous) upgrade aborts the version-change transaction, so the database stays at its old version, and the
 * open rejects with the upgrade's own error rather than a bare AbortError.
 */
export async function openIndexedDb(
  factory: IndexedDbFactory,
  name: string,
  version: number,
  upgrade: Upgrade,
): Promise<ParleyDb> {
  // The factory is typed structurally (no DOM types in core/); the request it returns is a real IDBOpenDBRequest.
  const request = factory.open(name, version) as OpenRequest;
  let upgradeError: unknown;
  request.addEventListener('upgradeneeded', (event) => {
    const tx = wrap(request.transaction as never) as unknown as ParleyTransaction<'versionchange'>;
    const db = wrap(request.result as never) as unknown as ParleyDb;
    // The open request reports the outcome; without this, an aborted upgrade is also an unhandled rejection.
    tx.done.catch(() => undefined);
    upgrade(db, event.oldVersion, tx).catch((error: unknown) => {
      upgradeError = error;
      try {
        tx.abort();
      } catch {
        // Already finished or aborted by the failing request itself.
      }
    });
  });
  try {
    return (await wrap(request as never)) as unknown as ParleyDb;
  } catch (error) {
    if (upgradeError !== undefined) {
      throw new ParleyError('INTERNAL', `Upgrading database "${name}" to version ${version} failed`, {
        cause: upgradeError,
      });
    }
    throw error;
  }
}
