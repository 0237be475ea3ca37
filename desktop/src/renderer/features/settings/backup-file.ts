import { MIN_BACKUP_PASSPHRASE_LENGTH } from '@parley/core';

export const BACKUP_EXTENSION = '.parley-backup';

/** The downloaded file's name, dated so several backups sort: `parley-2026-11-23.parley-backup`. */
export function backupFileName(now: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `parley-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}${BACKUP_EXTENSION}`;
}

/** Why these two passphrases cannot protect a backup, or undefined when they can. */
export function backupPassphraseProblem(passphrase: string, again: string): string | undefined {
  if (passphrase.length < MIN_BACKUP_PASSPHRASE_LENGTH)
    return `Choose a backup passphrase of at least ${MIN_BACKUP_PASSPHRASE_LENGTH} characters`;
  if (passphrase !== again) return 'The two passphrases differ';
  return undefined;
}
