import { app } from 'electron';
import { APP_ORIGIN } from './constants.js';
import { isAllowedNavigation, windowOpenDecision } from './policy/navigation.js';

/**
 * Navigation and window rules for every web contents the app ever creates (not only the main window):
 * no navigation away from the app, no new windows (http(s) links go to the browser after confirmation),
 * no <webview>.
 */
export function guardAllWebContents(openExternal: (url: string) => void): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAllowedNavigation(url, APP_ORIGIN)) event.preventDefault();
    });
    contents.on('will-frame-navigate', (event) => {
      if (!isAllowedNavigation(event.url, APP_ORIGIN)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAllowedNavigation(url, APP_ORIGIN)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const decision = windowOpenDecision(url);
      if (decision.openExternally) openExternal(url);
      return { action: decision.action };
    });
  });
}
