import { sql as initial } from './001-initial.js';

export interface Migration {
  /** Becomes `PRAGMA user_version` once applied; never reuse or reorder a number. */
  version: number;
  name: string;
  sql: string;
}

/** Append a new file and entry for every schema change; applied migrations are never edited. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'initial', sql: initial }];
