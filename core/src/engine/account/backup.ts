import nacl from 'tweetnacl';
import { ParleyError } from '../../errors/index.js';
import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import {
  openClientDatabase,
  PBKDF2_MIN_ITERATIONS,
  derivePassphraseKey,
  type DatabaseSnapshot,
  type OpenClientDatabaseOptions,
  type KeyDerivationParams,
  type Pbkdf2Subtle,
} from '../../storage/index.js';
import { rekeyRestored } from '../trust/restore.js';

/*
 * An encrypted backup of a whole client database (docs/crypto.md, "Backups"):
 *
 *   "PARLEYBK" ‖ version (u8, 1) ‖ header length (u32 BE) ‖ header JSON ‖ secretbox(snapshot JSON)
 *
 * header = { kdf: { algorithm: 'PBKDF2-SHA256', salt, iterations }, nonce } (salt and nonce base64url). The
 * key is PBKDF2-HMAC-SHA256 of the NFKC passphrase (the same KDF, and at least the same iteration count, as
 * the web client's passphrase key wrapper); XSalsa20-Poly1305 authenticates and encrypts the snapshot. The
 * header is not secret; changing it only yields another key, which fails authentication.
 */

const MAGIC = new TextEncoder().encode('PARLEYBK');
export const BACKUP_FORMAT_VERSION = 1;
const MAX_HEADER_BYTES = 4096;
const BYTES_TAG = '$bytes';

export interface BackupCrypto {
  /** WebCrypto's `crypto.subtle` (PBKDF2); defaults to `globalThis.crypto.subtle`. */
  readonly subtle?: Pbkdf2Subtle;
  readonly randomBytes?: (length: number) => Uint8Array;
  /** PBKDF2 iterations for a new backup; at least (and by default) PBKDF2_MIN_ITERATIONS. */
  readonly iterations?: number;
}

export const MIN_BACKUP_PASSPHRASE_LENGTH = 8;

function checkPassphrase(passphrase: string): void {
  if (typeof passphrase !== 'string' || passphrase.normalize('NFKC').length < MIN_BACKUP_PASSPHRASE_LENGTH) {
    throw new ParleyError(
      'BAD_REQUEST',
      `the backup passphrase must have at least ${MIN_BACKUP_PASSPHRASE_LENGTH} characters`,
    );
  }
}

function subtleOf(options: BackupCrypto): Pbkdf2Subtle {
  const subtle = options.subtle ?? (globalThis as { crypto?: { subtle?: Pbkdf2Subtle } }).crypto?.subtle;
  if (subtle === undefined)
    throw new ParleyError('UNAVAILABLE', 'WebCrypto (crypto.subtle) is needed for backups');
  return subtle;
}

/** Encrypts a database snapshot under a passphrase. Linear in the snapshot's size (one JSON pass, one box). */
export async function sealBackup(
  snapshot: DatabaseSnapshot,
  passphrase: string,
  options: BackupCrypto = {},
): Promise<Uint8Array> {
  checkPassphrase(passphrase);
  const randomBytes = options.randomBytes ?? ((length: number) => nacl.randomBytes(length));
  const iterations = options.iterations ?? PBKDF2_MIN_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < PBKDF2_MIN_ITERATIONS) {
    throw new ParleyError('BAD_REQUEST', `backups use at least ${PBKDF2_MIN_ITERATIONS} PBKDF2 iterations`);
  }
  const params: KeyDerivationParams = { algorithm: 'PBKDF2-SHA256', salt: randomBytes(16), iterations };
  const nonce = randomBytes(nacl.secretbox.nonceLength);
  const key = await derivePassphraseKey(subtleOf(options), passphrase, params);
  const plain = new TextEncoder().encode(
    JSON.stringify(snapshot, (_key, value: unknown) =>
      value instanceof Uint8Array ? { [BYTES_TAG]: toBase64Url(value) } : value,
    ),
  );
  const box = nacl.secretbox(plain, nonce, key);
  key.fill(0);
  plain.fill(0);
  const header = new TextEncoder().encode(
    JSON.stringify({
      kdf: { algorithm: params.algorithm, salt: toBase64Url(params.salt), iterations },
      nonce: toBase64Url(nonce),
    }),
  );
  const out = new Uint8Array(MAGIC.length + 1 + 4 + header.length + box.length);
  out.set(MAGIC, 0);
  out[MAGIC.length] = BACKUP_FORMAT_VERSION;
  new DataView(out.buffer).setUint32(MAGIC.length + 1, header.length);
  out.set(header, MAGIC.length + 5);
  out.set(box, MAGIC.length + 5 + header.length);
  return out;
}

/**
 * Decrypts a backup. BAD_REQUEST: not a Parley backup, or a version this app does not know;
 * DECRYPT_FAILED: wrong passphrase (or altered bytes). Nothing is written anywhere.
 */
export async function openBackup(
  bytes: Uint8Array,
  passphrase: string,
  options: BackupCrypto = {},
): Promise<DatabaseSnapshot> {
  if (!(bytes instanceof Uint8Array)) throw new ParleyError('BAD_REQUEST', 'a backup is bytes');
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new ParleyError('BAD_REQUEST', 'the backup passphrase is empty');
  }
  if (bytes.length < MAGIC.length + 5 || MAGIC.some((byte, i) => bytes[i] !== byte)) {
    throw new ParleyError('BAD_REQUEST', 'this is not a Parley backup');
  }
  const version = bytes[MAGIC.length];
  if (version !== BACKUP_FORMAT_VERSION) {
    throw new ParleyError('BAD_REQUEST', `backup format ${String(version)} is not supported by this app`);
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(
    MAGIC.length + 1,
  );
  if (headerLength > MAX_HEADER_BYTES || MAGIC.length + 5 + headerLength > bytes.length) {
    throw new ParleyError('BAD_REQUEST', 'the backup header is damaged');
  }
  let params: KeyDerivationParams;
  let nonce: Uint8Array;
  try {
    const header = JSON.parse(
      new TextDecoder().decode(bytes.subarray(MAGIC.length + 5, MAGIC.length + 5 + headerLength)),
    ) as { kdf: { algorithm: string; salt: string; iterations: number }; nonce: string };
    if (header.kdf.algorithm !== 'PBKDF2-SHA256') throw new Error(`unknown KDF ${header.kdf.algorithm}`);
    params = {
      algorithm: 'PBKDF2-SHA256',
      salt: fromBase64Url(header.kdf.salt),
      iterations: header.kdf.iterations,
    };
    nonce = fromBase64Url(header.nonce);
    if (nonce.length !== nacl.secretbox.nonceLength) throw new Error('bad nonce');
  } catch (cause) {
    throw new ParleyError('BAD_REQUEST', 'the backup header is damaged', { cause });
  }
  if (
    !Number.isSafeInteger(params.iterations) ||
    params.iterations < PBKDF2_MIN_ITERATIONS ||
    params.iterations > 100_000_000
  ) {
    throw new ParleyError('BAD_REQUEST', 'the backup header names an unacceptable iteration count');
  }
  const key = await derivePassphraseKey(subtleOf(options), passphrase, params);
  const plain = nacl.secretbox.open(bytes.subarray(MAGIC.length + 5 + headerLength), nonce, key);
  key.fill(0);
  if (plain === null) {
    throw new ParleyError('DECRYPT_FAILED', 'wrong passphrase, or the backup was altered');
  }
  let snapshot: DatabaseSnapshot;
  try {
    snapshot = JSON.parse(new TextDecoder().decode(plain), (_key, value: unknown) => {
      if (typeof value === 'object' && value !== null && BYTES_TAG in value) {
        return fromBase64Url(String((value as Record<string, unknown>)[BYTES_TAG]));
      }
      return value;
    }) as DatabaseSnapshot;
  } catch (cause) {
    throw new ParleyError('BAD_REQUEST', 'the backup content is damaged', { cause });
  }
  if (typeof snapshot !== 'object' || snapshot === null || typeof snapshot.stores !== 'object') {
    throw new ParleyError('BAD_REQUEST', 'the backup content is damaged');
  }
  return snapshot;
}

/**
 * Restores a backup into a fresh database: decrypted first (so a wrong passphrase writes nothing), then
 * written in one transaction into a database that must be empty (CONFLICT otherwise).
 */
export async function restoreBackup(
  backup: Uint8Array,
  passphrase: string,
  database: OpenClientDatabaseOptions,
  crypto: BackupCrypto = {},
): Promise<void> {
  const snapshot = await openBackup(backup, passphrase, crypto);
  const db = await openClientDatabase(database);
  try {
    await db.restore(snapshot);
    // Before any client runs on it: nothing may be sent again under a key the old device used.
    await rekeyRestored(db, snapshot);
  } finally {
    db.close();
  }
}
