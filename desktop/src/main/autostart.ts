import { ParleyError } from '@parley/core';

/**
 * Start at login on Linux, where Electron's setLoginItemSettings does nothing: an XDG autostart entry in
 * ~/.config/autostart. The path is quoted per the Desktop Entry spec so spaces and quotes cannot split it.
 */
export function autostartDesktopEntry(execPath: string): string {
  if (/[\r\n]/.test(execPath)) throw new ParleyError('BAD_REQUEST', 'executable path contains a line break');
  const quoted = `"${execPath.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Parley',
    `Exec=${quoted} --hidden`,
    'X-GNOME-Autostart-enabled=true',
    'NoDisplay=false',
    '',
  ].join('\n');
}

/** Whether this launch came from login: the app then starts in the tray instead of showing its window. */
export function launchedAtLogin(argv: readonly string[], wasOpenedAtLogin: boolean): boolean {
  return wasOpenedAtLogin || argv.includes('--hidden');
}
