import { ParleyError } from '@parley/core';
import { z } from 'zod';
import type { DatabaseKeyResult } from '../ipc/channels.js';

/** Electron's safeStorage, reduced to what key protection needs (see key-protection.main.ts). */
export interface OsEncryption {
  isEncryptionAvailable(): boolean;
  /** Linux only: which secret store safeStorage uses; 'basic_text' means a fixed, public key. */
  storageBackend(): string | undefined;
  encryptString(plain: string): Uint8Array;
  decryptString(encrypted: Uint8Array): string;
}

/** The file in userData that holds the protected key; `write` must replace it atomically. */
export interface KeyFile {
  read(): Promise<string | undefined>;
  write(text: string): Promise<void>;
}

export interface KeyProtectionOptions {
  readonly os: OsEncryption;
  readonly file: KeyFile;
  readonly randomBytes: (length: number) => Uint8Array;
}

const KEY_LENGTH = 32;

const keyFileSchema = z.discriminatedUnion('mode', [
  z.object({ version: z.literal(1), mode: z.literal('os'), protectedKey: z.base64() }),
  z.object({ version: z.literal(1), mode: z.literal('passphrase') }),
]);
type KeyFileContents = z.infer<typeof keyFileSchema>;

function osUnavailableReason(os: OsEncryption): string | undefined {
  if (!os.isEncryptionAvailable()) return 'the operating system offers no encryption for app secrets';
  if (os.storageBackend() === 'basic_text')
    return 'no keyring (GNOME Keyring or KWallet) is running, so the key could only be obfuscated';
  return undefined;
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function parseKeyFile(text: string): KeyFileContents {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ParleyError(
      'DECRYPT_FAILED',
      'the database key file is corrupted (not JSON); it was left as is',
      {
        cause: error,
      },
    );
  }
  const parsed = keyFileSchema.safeParse(json);
  if (!parsed.success)
    throw new ParleyError(
      'DECRYPT_FAILED',
      'the database key file is corrupted (unknown format); it was left as is',
    );
  return parsed.data;
}

function unprotect(os: OsEncryption, protectedKey: string): Uint8Array {
  if (osUnavailableReason(os) !== undefined)
    throw new ParleyError(
      'UNAVAILABLE',
      'the OS keychain that protects the database key is not available (is the keyring unlocked?)',
    );
  let encoded: string;
  try {
    encoded = os.decryptString(Buffer.from(protectedKey, 'base64'));
  } catch (error) {
    throw new ParleyError(
      'DECRYPT_FAILED',
      'the OS keychain could not decrypt the database key (was the keychain reset or the profile copied from another account?); the key file was left as is',
      { cause: error },
    );
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== KEY_LENGTH || toBase64(key) !== encoded)
    throw new ParleyError(
      'DECRYPT_FAILED',
      'the decrypted database key has the wrong form; the key file was left as is',
    );
  return new Uint8Array(key);
}

/**
 * The key that wraps identity keys at rest (the renderer hands it to core's createSecretboxKeyWrapper).
 *
 * - First start with OS encryption: a random 32-byte key, encrypted by safeStorage, written to the key file,
 *   then read back and decrypted before it is used, so a key that cannot be recovered is never used.
 * - First start without it (Linux without a keyring): the file records passphrase mode, and the renderer asks
 *   for a passphrase. Later starts keep that mode even if a keyring appears, since data is wrapped under it.
 * - Any later start: the recorded key, or an error. A file that cannot be read or decrypted is never replaced
 *   by a new key: that would silently orphan every key already stored.
 */
export async function loadDatabaseKey(options: KeyProtectionOptions): Promise<DatabaseKeyResult> {
  const { os, file } = options;
  const existing = await file.read();
  if (existing !== undefined) {
    const contents = parseKeyFile(existing);
    if (contents.mode === 'passphrase')
      return {
        kind: 'passphrase',
        reason: 'chosen-earlier',
        detail: 'this profile was set up with a passphrase',
      };
    return { kind: 'protected', key: unprotect(os, contents.protectedKey) };
  }

  const unavailable = osUnavailableReason(os);
  if (unavailable !== undefined) {
    await file.write(JSON.stringify({ version: 1, mode: 'passphrase' } satisfies KeyFileContents));
    return { kind: 'passphrase', reason: 'os-encryption-unavailable', detail: unavailable };
  }

  const key = options.randomBytes(KEY_LENGTH);
  if (key.length !== KEY_LENGTH) throw new ParleyError('INTERNAL', 'randomBytes returned the wrong length');
  const protectedKey = toBase64(os.encryptString(toBase64(key)));
  await file.write(JSON.stringify({ version: 1, mode: 'os', protectedKey } satisfies KeyFileContents));
  const stored = parseKeyFile((await file.read()) ?? '');
  if (stored.mode !== 'os' || !Buffer.from(unprotect(os, stored.protectedKey)).equals(Buffer.from(key)))
    throw new ParleyError('INTERNAL', 'the database key did not read back as written');
  return { kind: 'protected', key: key.slice() };
}

/**
 * What main answers the renderer with: the first successful result is kept for the life of the process
 * (so concurrent first calls cannot each create a key), and errors become an 'error' result the UI can show.
 * A failed attempt is not kept, so unlocking the keyring and retrying works.
 */
export function databaseKeyProvider(options: KeyProtectionOptions): () => Promise<DatabaseKeyResult> {
  let inFlight: Promise<DatabaseKeyResult> | undefined;
  return async () => {
    inFlight ??= loadDatabaseKey(options);
    try {
      const result = await inFlight;
      return result.kind === 'protected' ? { kind: 'protected', key: result.key.slice() } : result;
    } catch (error) {
      inFlight = undefined;
      const code =
        error instanceof ParleyError && (error.code === 'DECRYPT_FAILED' || error.code === 'UNAVAILABLE')
          ? error.code
          : 'INTERNAL';
      const message = error instanceof Error ? error.message : 'the database key could not be loaded';
      return { kind: 'error', code, message: message.slice(0, 1024) };
    }
  };
}
