/** The privileged scheme the renderer is served from (see session.main.ts); its origin in policy terms. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'parley';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Files Parley keeps in Electron's userData folder. */
export const USER_DATA_FILES = {
  databaseKey: 'database-key.json',
  windowState: 'window-state.json',
  relayOrigins: 'relay-origins.json',
  callServers: 'call-servers.json',
} as const;
