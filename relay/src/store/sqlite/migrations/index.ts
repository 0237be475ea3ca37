import type Database from 'better-sqlite3';
import { sql as initial } from './001-initial.js';
import { sql as forget, upgradeAdmitted } from './002-forget.js';
import { sql as deviceLists } from './003-device-lists.js';

export interface Migration {
  /** Becomes `PRAGMA user_version` once applied; never reuse or reorder a number. */
  version: number;
  name: string;
  sql: string;
  /** Runs after `sql`, in the same transaction, for what SQL alone cannot do. */
  up?: (db: Database.Database) => void;
}

/** Append a new file and entry for every schema change; applied migrations are never edited. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'forget', sql: forget, up: upgradeAdmitted },
  { version: 3, name: 'device-lists', sql: deviceLists },
];
