import { openIndexedDb, type IndexedDbFactory, type StoreName } from '../idb-environment.js';
import { SCHEMA_VERSION, type ParleySchema } from '../schema.js';

/** Every row of one store as it sits on disk, read past the repositories (to check what is wrapped). */
export async function readRawStore<Name extends StoreName>(
  indexedDB: IndexedDbFactory,
  name: string,
  store: Name,
): Promise<ParleySchema[Name]['value'][]> {
  const db = await openIndexedDb(indexedDB, name, SCHEMA_VERSION, () => {
    throw new Error(`database ${name} should exist at version ${SCHEMA_VERSION} already`);
  });
  try {
    return await db.getAll(store);
  } finally {
    db.close();
  }
}
