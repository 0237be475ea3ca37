import { isAppUrl } from './origin.js';

/** `will-navigate` / `will-redirect` / `will-frame-navigate`: the window only ever shows the app itself. */
export function isAllowedNavigation(url: string, appOrigin: string): boolean {
  return isAppUrl(url, appOrigin);
}

/**
 * `setWindowOpenHandler`: Parley has one window, so no new window is ever created. http(s) links the user
 * clicked are offered to the system browser instead (after confirmation, see external-links.ts).
 */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: boolean } {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return { action: 'deny', openExternally: false };
  }
  return { action: 'deny', openExternally: protocol === 'https:' || protocol === 'http:' };
}
