import {
  IDBCursor,
  IDBCursorWithValue,
  IDBDatabase,
  IDBFactory,
  IDBIndex,
  IDBKeyRange,
  IDBObjectStore,
  IDBOpenDBRequest,
  IDBRequest,
  IDBTransaction,
  IDBVersionChangeEvent,
} from 'fake-indexeddb';
import type { IndexedDbFactory } from '../idb-environment.js';

const INTERFACES = {
  IDBCursor,
  IDBCursorWithValue,
  IDBDatabase,
  IDBIndex,
  IDBKeyRange,
  IDBObjectStore,
  IDBOpenDBRequest,
  IDBRequest,
  IDBTransaction,
  IDBVersionChangeEvent,
};

/**
 * Gives Node the IndexedDB interface globals idb relies on (`instanceof IDBRequest`, `IDBKeyRange.bound`, …),
 * taken from fake-indexeddb. Deliberately not the global `indexedDB`: the factory is always injected, and tests
 * would not notice code that reached for the global instead.
 */
export function installIndexedDbInterfaces(): void {
  const scope = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(INTERFACES)) {
    if (scope[name] === undefined) {
      Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
    }
  }
}

/** A new, empty in-memory IndexedDB: one per test keeps tests independent. */
export function freshIndexedDb(): IndexedDbFactory {
  installIndexedDbInterfaces();
  return new IDBFactory() as IndexedDbFactory;
}
