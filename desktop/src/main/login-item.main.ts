import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { app } from 'electron';
import { autostartDesktopEntry } from './autostart.js';

/** Start at login, opt-in: off until the user turns it on in settings. */
export interface LoginItem {
  get(): Promise<boolean>;
  set(openAtLogin: boolean): Promise<boolean>;
}

function linuxAutostartFile(): string {
  const config = process.env['XDG_CONFIG_HOME'] ?? path.join(homedir(), '.config');
  return path.join(config, 'autostart', 'parley.desktop');
}

export function loginItem(): LoginItem {
  if (process.platform === 'linux') {
    const file = linuxAutostartFile();
    return {
      async get() {
        return stat(file).then(
          () => true,
          () => false,
        );
      },
      async set(openAtLogin) {
        if (!openAtLogin) {
          await rm(file, { force: true });
          return false;
        }
        await mkdir(path.dirname(file), { recursive: true });
        // An AppImage runs from a temporary mount; $APPIMAGE is the file the user keeps.
        await writeFile(file, autostartDesktopEntry(process.env['APPIMAGE'] ?? process.execPath), {
          mode: 0o644,
        });
        return true;
      },
    };
  }
  return {
    get: () => Promise.resolve(app.getLoginItemSettings().openAtLogin),
    set(openAtLogin) {
      app.setLoginItemSettings({ openAtLogin, args: ['--hidden'] });
      return Promise.resolve(app.getLoginItemSettings().openAtLogin);
    },
  };
}
