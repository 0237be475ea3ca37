import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppBlobDownload, safeFileName, uniqueTarget } from './downloads.js';

const APP = 'app://parley';

describe('downloads ("Show in folder")', () => {
  it("saves only the app's own blob: URLs", () => {
    expect(isAppBlobDownload('blob:app://parley/4f1c2b0e-1b6e-4a57-9a51-0d6f0a4b2c11', APP)).toBe(true);
    expect(isAppBlobDownload('https://evil.example/payload.exe', APP)).toBe(false);
    expect(isAppBlobDownload('blob:https://evil.example/4f1c2b0e', APP)).toBe(false);
    expect(isAppBlobDownload('blob:app://parley.evil/4f1c2b0e', APP)).toBe(false);
    expect(isAppBlobDownload('app://parley/index.html', APP)).toBe(false);
    expect(isAppBlobDownload('blob:null/4f1c2b0e', APP)).toBe(false);
  });

  it('never lets a file name a sender chose name a folder, a hidden file or a device', () => {
    expect(safeFileName('holiday.jpg')).toBe('holiday.jpg');
    expect(safeFileName('../../.bashrc')).toBe('_.._.bashrc');
    expect(safeFileName('..\\..\\Startup\\run.bat')).toBe('_.._Startup_run.bat');
    expect(safeFileName('.hidden')).toBe('hidden');
    expect(safeFileName('..')).toBe('file');
    expect(safeFileName('  ')).toBe('file');
    expect(safeFileName('CON.txt')).toBe('file-CON.txt');
    expect(safeFileName('a\u0000b\nc:d?.pdf')).toBe('a_b_c_d_.pdf');
    const long = safeFileName(`${'x'.repeat(400)}.tar.gz`);
    expect(long.length).toBe(180);
    expect(long.endsWith('.gz')).toBe(true);
  });

  it('never replaces a file already in the folder', () => {
    const taken = new Set([path.join('/d', 'notes.pdf'), path.join('/d', 'notes (2).pdf')]);
    expect(uniqueTarget('/d', 'notes.pdf', (file) => taken.has(file))).toBe(path.join('/d', 'notes (3).pdf'));
    expect(uniqueTarget('/d', 'other.pdf', (file) => taken.has(file))).toBe(path.join('/d', 'other.pdf'));
  });
});
