import type * as SessionModule from './session.dom.js';

export type { Session } from './session.dom.js';

/*
 * The first screen (onboarding, unlock) without core: the session module, and with it ParleyClient and the
 * rest of core, is fetched when the person submits that screen (it starts loading while they type, with the
 * messenger), so the screen itself shows before core is downloaded and evaluated.
 */
const load = (): Promise<typeof SessionModule> => import('./session.dom.js');

export async function startSession(
  ...args: Parameters<typeof SessionModule.startSession>
): ReturnType<typeof SessionModule.startSession> {
  return (await load()).startSession(...args);
}

export async function restoreSession(
  ...args: Parameters<typeof SessionModule.restoreSession>
): ReturnType<typeof SessionModule.restoreSession> {
  return (await load()).restoreSession(...args);
}

export async function closeSession(...args: Parameters<typeof SessionModule.closeSession>): Promise<void> {
  return (await load()).closeSession(...args);
}

export async function whenConnected(...args: Parameters<typeof SessionModule.whenConnected>): Promise<void> {
  return (await load()).whenConnected(...args);
}

/** Starts fetching the session module (and core) while the first screen waits for the person. */
export function preloadSession(): void {
  void load().catch(() => undefined); // a failure shows when the screen is submitted
}
