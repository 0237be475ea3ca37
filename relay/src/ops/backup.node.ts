import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../config-error.js';
import type { RelayConfig } from '../config.js';
import { ed25519SignerFromSeed } from '../auth/ed25519.node.js';
import { SQLITE_FILE } from '../store/open.node.js';

/**
 * `parley-relay backup` and `restore`. The SQLite file holds everything but attachment bytes, including the
 * relay's signing key and token secret (table `secrets`), so one consistent copy of it is a whole backup:
 * SQLite's online backup API copies it page by page while the relay keeps writing, which a plain file copy
 * (missing the WAL) cannot do. Attachment files are short-lived by design and are not copied.
 */

export interface BackupResult {
  file: string;
  bytes: number;
  /** The relay's public key in the copy, so the operator can check it is the relay they meant. */
  relayKey: string;
}

const SIGNING_SEED = 'relay-signing-seed';

export async function backupRelay(config: RelayConfig, dest: string): Promise<BackupResult> {
  requireSqlite(config, 'backup');
  const source = join(config.dataDir, SQLITE_FILE);
  if (!existsSync(source)) throw new ConfigError(`no store to back up: ${source} does not exist`);
  await mkdir(dest, { recursive: true });
  const file = join(dest, SQLITE_FILE);
  const partial = `${file}.partial`;
  await rm(partial, { force: true });
  // A connection of our own: the relay's may be mid-transaction, and the backup API works across processes.
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(partial);
  } finally {
    db.close();
  }
  const relayKey = readRelayKey(partial);
  // Renamed into place only once whole, so a crashed backup never looks like a good one.
  await rename(partial, file);
  return { file, bytes: (await stat(file)).size, relayKey };
}

export interface RestoreResult {
  file: string;
  relayKey: string;
}

/** Puts a backup's SQLite file into the data directory. The relay must be stopped; `force` replaces a store. */
export async function restoreRelay(
  config: RelayConfig,
  src: string,
  options: { force: boolean },
): Promise<RestoreResult> {
  requireSqlite(config, 'restore');
  const backup = existsSync(join(src, SQLITE_FILE)) ? join(src, SQLITE_FILE) : src;
  if (!existsSync(backup) || (await stat(backup)).isDirectory()) {
    throw new ConfigError(`no backup at ${src} (expected ${join(src, SQLITE_FILE)})`);
  }
  const check = new Database(backup, { readonly: true, fileMustExist: true });
  try {
    const result = check.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new ConfigError(`${backup} is damaged: ${String(result)}`);
  } finally {
    check.close();
  }
  const relayKey = readRelayKey(backup);
  await mkdir(config.dataDir, { recursive: true });
  const target = join(config.dataDir, SQLITE_FILE);
  if (existsSync(target) && !options.force) {
    throw new ConfigError(`${target} exists; stop the relay and pass --force to replace it`);
  }
  // A WAL left by the replaced store would be replayed over the restored file: remove it first.
  await Promise.all(['-wal', '-shm'].map((suffix) => rm(`${target}${suffix}`, { force: true })));
  await copyFile(backup, `${target}.restoring`);
  await rename(`${target}.restoring`, target);
  return { file: target, relayKey };
}

function requireSqlite(config: RelayConfig, command: string): void {
  if (config.store.kind !== 'sqlite') {
    throw new ConfigError(
      `${command} handles the SQLite store; back up Redis with its own persistence (AOF/RDB files)`,
    );
  }
}

function readRelayKey(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const seed = db
      .prepare<[string], Buffer>('SELECT value FROM secrets WHERE name = ?')
      .pluck()
      .get(SIGNING_SEED);
    if (!seed) throw new ConfigError(`${file} has no relay key (has the relay ever started on it?)`);
    return Buffer.from(ed25519SignerFromSeed(new Uint8Array(seed)).publicKey).toString('base64url');
  } finally {
    db.close();
  }
}
