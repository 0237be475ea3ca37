import { safeStorage } from 'electron';
import type { OsEncryption } from './key-protection.js';

/** safeStorage behind the OsEncryption interface. Only usable after `app` is ready (Linux needs it). */
export function electronOsEncryption(): OsEncryption {
  return {
    isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
    storageBackend: () =>
      process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : undefined,
    encryptString: (plain) => safeStorage.encryptString(plain),
    decryptString: (encrypted) => safeStorage.decryptString(Buffer.from(encrypted)),
  };
}
