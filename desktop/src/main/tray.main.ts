import { app, Menu, nativeImage, Tray } from 'electron';
import { unreadBadge } from './policy/unread.js';

export interface TrayActions {
  readonly open: () => void;
  readonly quit: () => void;
}

/** The tray icon: tooltip and (macOS) title show the unread count; the dock/launcher badge too. */
export class ParleyTray {
  private readonly tray: Tray;

  constructor(iconPath: string, actions: TrayActions) {
    const icon = nativeImage.createFromPath(iconPath);
    this.tray = new Tray(icon.isEmpty() ? nativeImage.createEmpty() : icon.resize({ width: 16, height: 16 }));
    this.tray.setToolTip('Parley');
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open Parley', click: actions.open },
        { type: 'separator' },
        { label: 'Quit Parley', click: actions.quit },
      ]),
    );
    this.tray.on('click', actions.open);
  }

  setUnread(count: number): void {
    const { badge, tooltip } = unreadBadge(count);
    this.tray.setToolTip(tooltip);
    if (process.platform === 'darwin') this.tray.setTitle(badge);
    // macOS dock and Linux Unity launchers; a no-op elsewhere.
    app.setBadgeCount(badge === '' ? 0 : Math.min(count, 99));
  }

  destroy(): void {
    this.tray.destroy();
  }
}
