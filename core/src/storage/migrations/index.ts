import type { ParleyDb, ParleyTransaction } from '../idb-environment.js';
import { migration001Initial } from './001-initial.js';
import { migration002FullTextSearch } from './002-full-text-search.js';
import { migration003EngineState } from './003-engine-state.js';
import { migration004Reserved } from './004-reserved.js';
import { migration005SealedContent } from './005-sealed-content.js';
import { migration006DeviceLists } from './006-device-lists.js';

export type Migration = (db: ParleyDb, tx: ParleyTransaction<'versionchange'>) => void | Promise<void>;

/** MIGRATIONS[i] takes the database from version i to i + 1. Append only; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  migration001Initial,
  migration002FullTextSearch,
  migration003EngineState,
  migration004Reserved,
  migration005SealedContent,
  migration006DeviceLists,
];

/** Runs, in order and inside the one version-change transaction, every migration past `oldVersion`. */
export async function migrate(
  db: ParleyDb,
  oldVersion: number,
  newVersion: number,
  tx: ParleyTransaction<'versionchange'>,
): Promise<void> {
  for (let version = oldVersion; version < newVersion; version++) {
    const migration = MIGRATIONS[version];
    if (migration === undefined) throw new Error(`no migration from version ${version}`);
    await migration(db, tx);
  }
}
