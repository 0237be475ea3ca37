import { BrowserWindow, screen } from 'electron';
import type { TextFile } from './files.js';
import { MIN_WINDOW_SIZE, parseWindowState, restoreWindowState } from './policy/window-state.js';
import { secureWebPreferences } from './policy/web-preferences.js';

export interface MainWindowOptions {
  readonly preloadPath: string;
  readonly iconPath: string;
  readonly stateFile: TextFile;
  readonly url: string;
  /** False when started at login: the window waits in the tray. */
  readonly show: boolean;
}

const SAVE_DELAY_MS = 500;

/** The single app window, reopened where it was on a display that still exists. */
export async function createMainWindow(options: MainWindowOptions): Promise<BrowserWindow> {
  const primary = screen.getPrimaryDisplay();
  const workAreas = [
    primary.workArea,
    ...screen
      .getAllDisplays()
      .filter((display) => display.id !== primary.id)
      .map((display) => display.workArea),
  ];
  const state = restoreWindowState(parseWindowState(await options.stateFile.read()), workAreas);
  const window = new BrowserWindow({
    ...state.bounds,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    show: false,
    title: 'Parley',
    icon: options.iconPath,
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => {
    if (options.show) window.show();
  });

  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    clearTimeout(timer);
    timer = undefined;
    if (window.isDestroyed()) return;
    const text = JSON.stringify({ bounds: window.getNormalBounds(), maximized: window.isMaximized() });
    options.stateFile
      .write(text)
      .catch((error: unknown) => console.warn('could not save the window state', error));
  };
  const saveSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY_MS);
  };
  window.on('resize', saveSoon);
  window.on('move', saveSoon);
  window.on('maximize', saveSoon);
  window.on('unmaximize', saveSoon);
  window.on('close', save);

  await window.loadURL(options.url);
  return window;
}

export function showWindow(window: BrowserWindow | undefined): void {
  if (window === undefined || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
