import type { ParleyDesktopApi } from '../../preload/api.js';

/** The Electron preload's API, or undefined in a browser. */
export function desktopShell(): Partial<ParleyDesktopApi> | undefined {
  return (window as Window & { parley?: Partial<ParleyDesktopApi> }).parley;
}

/**
 * Electron's CSP lets the renderer reach only the relays main was told about. Tells main about this relay;
 * true when the page must reload before it can connect (the CSP applies from the next load). In a browser
 * the relay is reached under the page's own rules and this is always false.
 */
export async function allowRelayInShell(relayUrl: string): Promise<boolean> {
  const shell = desktopShell();
  if (shell?.allowRelays === undefined) return false;
  const { reloadRequired } = await shell.allowRelays([new URL(relayUrl).origin]);
  return reloadRequired;
}
