import { ParleyError } from '../errors/index.js';
import { inTransaction, type StorageContext } from './context.js';
import { SCHEMA_VERSION, STORE_NAMES } from './schema.js';
import type { StoreName } from './idb-environment.js';

/**
 * Every record of a client database with its secrets unwrapped: what an encrypted backup carries (the backup
 * encrypts it as a whole under a passphrase key), restored into another database under that one's key wrapper.
 * The key-derivation parameters and key check of the source database stay behind: they belong to its key.
 */
export interface DatabaseSnapshot {
  readonly schemaVersion: number;
  readonly stores: Readonly<Partial<Record<StoreName, readonly Record<string, unknown>[]>>>;
}

/** Which field of which store holds KeyWrapper output. */
const WRAPPED_FIELDS: Partial<Record<StoreName, string>> = {
  identity: 'secret',
  sessions: 'record',
  preKeys: 'record',
  senderKeys: 'record',
  attachments: 'key',
  engineState: 'sealed',
};

/** Meta rows tied to the source database's key. */
const LOCAL_META = new Set(['keyDerivation', 'keyCheck']);

/**
 * Meta rows whose `value` is KeyWrapper output. The content key travels with the backup (unwrapped inside its
 * encryption) because every message row and search hash was made under it.
 */
const META_CONTENT_KEY = 'contentKey';

const PIPELINE_CHUNK = 500;

/**
 * Schemas whose backups restore as they are: version 6 only added a store (deviceLists, empty in a version 5
 * backup, filled again from the relay), so a backup made before it stays good.
 */
const RESTORABLE_VERSIONS = new Set([5, SCHEMA_VERSION]);

/** Reads every store in ONE transaction (a consistent snapshot of a running client), then unwraps secrets. */
export async function takeSnapshot(context: StorageContext): Promise<DatabaseSnapshot> {
  const tx = context.read(STORE_NAMES);
  const raw = await inTransaction(tx, async () => {
    const all = await Promise.all(STORE_NAMES.map((name) => tx.objectStore(name).getAll()));
    return STORE_NAMES.map((name, i) => [name, all[i] as unknown as Record<string, unknown>[]] as const);
  });
  const stores: Partial<Record<StoreName, Record<string, unknown>[]>> = {};
  for (const [name, rows] of raw) {
    const field = WRAPPED_FIELDS[name];
    const kept = name === 'meta' ? rows.filter((row) => !LOCAL_META.has(String(row['key']))) : rows;
    stores[name] = await Promise.all(
      kept.map(async (row) => {
        if (name === 'meta' && row['key'] === META_CONTENT_KEY)
          return { ...row, value: await context.keyWrapper.unwrap(bytesOf(row['value'])) };
        if (field === undefined) return row;
        return { ...row, [field]: await context.keyWrapper.unwrap(bytesOf(row[field])) };
      }),
    );
  }
  return { schemaVersion: SCHEMA_VERSION, stores };
}

/** True when the database holds no identity and no messages, contacts or conversations. */
export async function isEmptyDatabase(context: StorageContext): Promise<boolean> {
  const names = ['identity', 'contacts', 'conversations', 'messages'] as const;
  const tx = context.read(names);
  const counts = await inTransaction(tx, () =>
    Promise.all(names.map((name) => tx.objectStore(name).count())),
  );
  return counts.every((count) => count === 0);
}

/**
 * Writes a snapshot into an empty database: secrets are wrapped under this database's key first, then
 * everything goes in ONE transaction, so a failure leaves the database empty.
 */
export async function restoreSnapshot(
  context: StorageContext,
  snapshot: DatabaseSnapshot,
): Promise<{ readonly contentKey: Uint8Array | undefined }> {
  if (snapshot.schemaVersion > SCHEMA_VERSION) {
    throw new ParleyError(
      'BAD_REQUEST',
      `the backup comes from a newer Parley (schema ${snapshot.schemaVersion}); update this app first`,
    );
  }
  if (!RESTORABLE_VERSIONS.has(snapshot.schemaVersion)) {
    throw new ParleyError('BAD_REQUEST', `backups of schema ${snapshot.schemaVersion} cannot be restored`);
  }
  if (!(await isEmptyDatabase(context))) {
    throw new ParleyError(
      'CONFLICT',
      'the database is not empty: a backup is restored only into a fresh one',
    );
  }
  const prepared: [StoreName, Record<string, unknown>[]][] = [];
  let contentKey: Uint8Array | undefined;
  for (const name of STORE_NAMES) {
    const rows = snapshot.stores[name] ?? [];
    if (!Array.isArray(rows)) throw new ParleyError('BAD_REQUEST', `backup store ${name} is not a list`);
    const field = WRAPPED_FIELDS[name];
    const kept = name === 'meta' ? rows.filter((row) => !LOCAL_META.has(String(row['key']))) : rows;
    prepared.push([
      name,
      await Promise.all(
        kept.map(async (row) => {
          if (name === 'meta' && row['key'] === META_CONTENT_KEY) {
            contentKey = bytesOf(row['value']);
            return { ...row, value: await context.keyWrapper.wrap(contentKey) };
          }
          if (field === undefined) return { ...row };
          return { ...row, [field]: await context.keyWrapper.wrap(bytesOf(row[field])) };
        }),
      ),
    ]);
  }
  const tx = context.write(STORE_NAMES);
  await inTransaction(tx, async () => {
    for (const [name, rows] of prepared) {
      const store = tx.objectStore(name);
      for (let start = 0; start < rows.length; start += PIPELINE_CHUNK) {
        await Promise.all(rows.slice(start, start + PIPELINE_CHUNK).map((row) => store.put(row as never)));
      }
    }
  });
  return { contentKey };
}

function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new ParleyError('BAD_REQUEST', 'a backup record lacks its key bytes');
}
