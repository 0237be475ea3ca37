import { describe, expect, it } from 'vitest';
import { autostartDesktopEntry, launchedAtLogin } from './autostart.js';

describe('start at login on Linux', () => {
  it('writes an autostart entry that starts Parley hidden in the tray', () => {
    const entry = autostartDesktopEntry('/opt/Parley/parley');
    expect(entry).toContain('Exec="/opt/Parley/parley" --hidden\n');
    expect(entry.startsWith('[Desktop Entry]\n')).toBe(true);
  });

  it('quotes a path with spaces, quotes and dollar signs so it stays one argument', () => {
    expect(autostartDesktopEntry('/home/a b/"x"/$HOME/p')).toContain(
      'Exec="/home/a b/\\"x\\"/\\$HOME/p" --hidden',
    );
  });

  it('refuses a path that would add lines to the entry', () => {
    expect(() => autostartDesktopEntry('/tmp/p\nExec=/bin/evil')).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
  });

  it('knows a login launch by the OS flag or the --hidden switch', () => {
    expect(launchedAtLogin(['/opt/Parley/parley'], false)).toBe(false);
    expect(launchedAtLogin(['/opt/Parley/parley', '--hidden'], false)).toBe(true);
    expect(launchedAtLogin(['Parley.exe'], true)).toBe(true);
  });
});
