import { ParleyError } from '../../errors/index.js';
import type { ClientDatabase, IndexedDbFactory } from '../../storage/index.js';
import type { EngineStateStore } from './state-store.js';

/*
 * The engine's state used to live, unsealed, in a small IndexedDB database of its own next to the client
 * database (`<name>.engine`). It now lives in the client database (migration 003, sealed); this file only
 * reads such an old database once, to copy it in (importLegacyEngineState), and is what tests use to write one.
 * Raw IndexedDB requests typed structurally, since core/ compiles without the DOM library.
 */

interface Request<T> {
  readonly result: T;
  readonly error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}

interface ObjectStore {
  get(key: string): Request<unknown>;
  put(value: unknown, key: string): Request<unknown>;
  delete(key: string): Request<unknown>;
  getAllKeys(range?: unknown): Request<string[]>;
  getAll(range?: unknown): Request<unknown[]>;
}

interface Database {
  transaction(stores: string, mode: 'readonly' | 'readwrite'): { objectStore(name: string): ObjectStore };
  createObjectStore(name: string): unknown;
  close(): void;
}

interface OpenRequest extends Request<Database> {
  onupgradeneeded: (() => void) | null;
}

const STORE = 'state';

function done<T>(request: Request<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () =>
      reject(new ParleyError('INTERNAL', 'engine state request failed', { cause: request.error }));
  });
}

export class IndexedDbEngineStateStore implements EngineStateStore {
  private constructor(private readonly db: Database) {}

  static async open(factory: IndexedDbFactory, name: string): Promise<IndexedDbEngineStateStore> {
    const request = factory.open(name, 1) as unknown as OpenRequest;
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    return new IndexedDbEngineStateStore(await done(request));
  }

  async get(key: string): Promise<unknown> {
    const value = await done(this.#store('readonly').get(key));
    return typeof value === 'string' ? JSON.parse(value) : undefined;
  }

  async put(key: string, value: unknown): Promise<void> {
    await done(this.#store('readwrite').put(JSON.stringify(value), key));
  }

  async delete(key: string): Promise<void> {
    await done(this.#store('readwrite').delete(key));
  }

  async keys(prefix: string): Promise<string[]> {
    const all = await done(this.#store('readonly').getAllKeys());
    return all.filter((key) => key.startsWith(prefix)).sort();
  }

  /** Every key and value, in key order. */
  async entries(): Promise<[string, unknown][]> {
    const store = this.#store('readonly');
    const [keys, values] = await Promise.all([done(store.getAllKeys()), done(store.getAll())]);
    return keys.map((key, i) => {
      const value = values[i];
      return [key, typeof value === 'string' ? JSON.parse(value) : undefined];
    });
  }

  close(): void {
    this.db.close();
  }

  #store(mode: 'readonly' | 'readwrite'): ObjectStore {
    return this.db.transaction(STORE, mode).objectStore(STORE);
  }
}

/**
 * Copies an old `<clientName>.engine` database into the client database's sealed engine state, once: read it,
 * write everything (and the "imported" mark) in one transaction, then delete the old database. Once the mark is
 * there the old database is never read again, so values written since are never overwritten by an old copy
 * (one left behind if the process stopped before the delete), and nothing already accepted is lost.
 */
export async function importLegacyEngineState(
  factory: IndexedDbFactory,
  db: ClientDatabase,
  clientName: string,
): Promise<void> {
  const name = `${clientName}.engine`;
  if (!(await db.engineState.imported())) {
    // Opening creates an empty database where there was none; it is deleted below like a real one.
    const legacy = await IndexedDbEngineStateStore.open(factory, name);
    try {
      await db.engineState.importOnce(await legacy.entries());
    } finally {
      legacy.close();
    }
    await done(factory.deleteDatabase(name) as unknown as Request<unknown>);
  }
}
