import { MIN_BACKUP_PASSPHRASE_LENGTH } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { backupFileName, backupPassphraseProblem } from './backup-file.js';

describe('backup export', () => {
  it('names the file by date with the .parley-backup extension', () => {
    expect(backupFileName(new Date(2026, 0, 5, 23, 59))).toBe('parley-2026-01-05.parley-backup');
  });

  it('asks for a long enough passphrase, typed the same twice', () => {
    const long = 'x'.repeat(MIN_BACKUP_PASSPHRASE_LENGTH);
    expect(backupPassphraseProblem(long, long)).toBeUndefined();
    expect(backupPassphraseProblem('short', 'short')).toMatch(/at least/);
    expect(backupPassphraseProblem(long, `${long}y`)).toMatch(/differ/);
  });
});
