import { existsSync } from 'node:fs';
import { app, shell, type Session } from 'electron';
import { APP_ORIGIN } from './constants.js';
import { isAppBlobDownload, safeFileName, uniqueTarget } from './policy/downloads.js';

/**
 * "Show in folder" (policy/downloads.ts): a file message's bytes, downloaded by the renderer from its own
 * blob: URL, are saved in the Downloads folder under a safe, unused name and then shown in the file manager.
 * Every other download is cancelled.
 */
export function handleDownloads(ses: Session): void {
  ses.on('will-download', (event, item) => {
    if (!isAppBlobDownload(item.getURL(), APP_ORIGIN)) {
      event.preventDefault();
      return;
    }
    const target = uniqueTarget(app.getPath('downloads'), safeFileName(item.getFilename()), existsSync);
    item.setSavePath(target);
    item.once('done', (_done, state) => {
      if (state === 'completed') shell.showItemInFolder(target);
    });
  });
}
