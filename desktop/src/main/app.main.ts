/**
 * Parley's Electron main process: one window, tray, notifications, parley:// links, start at login, and the
 * security wiring. Decisions live in ./policy and the tested modules beside this file; this file only
 * connects them to Electron.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, session, type BrowserWindow } from 'electron';
import { APP_ENTRY_URL, USER_DATA_FILES } from './constants.js';
import { launchedAtLogin } from './autostart.js';
import { CallServers } from './call-servers.js';
import { DeepLinkRouter } from './deep-link-router.js';
import { handleDownloads } from './downloads.main.js';
import { openExternalAfterConfirm } from './external.main.js';
import { textFile } from './files.js';
import { guardAllWebContents } from './guards.main.js';
import type { IpcHandlers } from './ipc-dispatch.js';
import { registerIpc } from './ipc.main.js';
import { databaseKeyProvider } from './key-protection.js';
import { electronOsEncryption } from './key-protection.main.js';
import { loginItem } from './login-item.main.js';
import { Notifier } from './notifications.main.js';
import type { FetchJson } from './policy/call-servers.js';
import { contentSecurityPolicy } from './policy/csp.js';
import { DEEP_LINK_SCHEME, deepLinkFromArgv } from './policy/deep-link.js';
import { RelayOrigins } from './relay-origins.js';
import { ScreenShare } from './screen-share.main.js';
import { configureSession, registerAppScheme } from './session.main.js';
import { openWindowThenLearnCallServers } from './startup.js';
import { ParleyTray } from './tray.main.js';
import { createMainWindow, showWindow } from './window.main.js';

// Laid out by scripts/build.mjs: dist/main.mjs, dist/preload.cjs, dist/renderer/, and assets/ beside dist/.
const here = path.dirname(fileURLToPath(import.meta.url));
const PRELOAD = path.join(here, 'preload.cjs');
const RENDERER_DIR = path.join(here, 'renderer');
const ICON = path.join(here, '..', 'assets', 'icon.png');
const TRAY_ICON = path.join(here, '..', 'assets', 'tray.png');

registerAppScheme();
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start();
}

function start(): void {
  // Windows shows (and routes clicks on) notifications only for an app with this id; it matches build.appId.
  if (process.platform === 'win32') app.setAppUserModelId('org.parley.desktop');
  const router = new DeepLinkRouter();
  let window: BrowserWindow | undefined;
  let tray: ParleyTray | undefined;
  let quitting = false;

  if (process.defaultApp && process.argv[1] !== undefined) {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [path.resolve(process.argv[1])]);
  } else {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  }

  const firstLink = deepLinkFromArgv(process.argv);
  if (firstLink !== undefined) router.receive(firstLink);
  // macOS delivers links here, possibly before `ready`.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    router.receive(url);
    showWindow(window);
  });
  // Windows and Linux: a second launch (e.g. a clicked link) hands its argv to this instance.
  app.on('second-instance', (_event, argv) => {
    const link = deepLinkFromArgv(argv);
    if (link !== undefined) router.receive(link);
    showWindow(window);
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('activate', () => showWindow(window));

  guardAllWebContents((url) => void openExternalAfterConfirm(url, window));

  void app
    .whenReady()
    .then(async () => {
      const userData = app.getPath('userData');
      const relays = new RelayOrigins(textFile(path.join(userData, USER_DATA_FILES.relayOrigins)));
      await relays.load();
      // The SFUs the relays announce: the window loads with what the last run learned (startup.ts).
      const callServers = new CallServers(
        textFile(path.join(userData, USER_DATA_FILES.callServers)),
        fetchRelayInfo,
      );
      await callServers.load();
      configureSession(session.defaultSession, {
        rendererDir: RENDERER_DIR,
        csp: () =>
          contentSecurityPolicy({
            relayOrigins: relays.list(),
            callServers: callServers.list(relays.list()),
          }),
      });
      handleDownloads(session.defaultSession);

      const screens = new ScreenShare(session.defaultSession);
      const notifier = new Notifier((conversationId) => {
        showWindow(window);
        window?.webContents.send('parley:notification:clicked', { conversationId });
      });
      const login = loginItem();
      const getDatabaseKey = databaseKeyProvider({
        os: electronOsEncryption(),
        file: textFile(path.join(userData, USER_DATA_FILES.databaseKey)),
        randomBytes: (length) => new Uint8Array(randomBytes(length)),
      });

      const handlers: IpcHandlers = {
        'parley:key:get-database-key': () => getDatabaseKey(),
        'parley:notification:show': (request) => Promise.resolve({ shown: notifier.show(request) }),
        'parley:unread:set': ({ count }) => {
          tray?.setUnread(count);
          return Promise.resolve({});
        },
        'parley:external:open': async ({ url }) => ({ opened: await openExternalAfterConfirm(url, window) }),
        'parley:login-item:get': async () => ({ openAtLogin: await login.get() }),
        'parley:login-item:set': async ({ openAtLogin }) => ({ openAtLogin: await login.set(openAtLogin) }),
        'parley:relays:allow': async ({ origins }) => {
          const result = await relays.allow(origins);
          // Before the renderer reloads for the new relay, so its call server is allowed on that load too.
          if (result.reloadRequired) await callServers.refresh(relays.list());
          return result;
        },
        'parley:screen:list-sources': async () => ({ sources: await screens.listSources() }),
        'parley:screen:choose': ({ id }) => Promise.resolve({ chosen: screens.choose(id) }),
        'parley:deep-link:take-pending': () => {
          const contacts = router.takePending({
            contact: (link) => window?.webContents.send('parley:deep-link:contact', link),
            rejected: (reason) => window?.webContents.send('parley:deep-link:rejected', { reason }),
          });
          return Promise.resolve({ contacts });
        },
      };
      registerIpc(handlers);

      tray = new ParleyTray(TRAY_ICON, { open: () => showWindow(window), quit: () => app.quit() });
      const hidden = launchedAtLogin(process.argv, app.getLoginItemSettings().wasOpenedAtLogin);
      const started = await openWindowThenLearnCallServers({
        callServers,
        relayOrigins: relays.list(),
        openWindow: () =>
          createMainWindow({
            preloadPath: PRELOAD,
            iconPath: ICON,
            stateFile: textFile(path.join(userData, USER_DATA_FILES.windowState)),
            url: APP_ENTRY_URL,
            show: !hidden,
          }),
        reload: (opened) => opened.webContents.reload(),
      });
      window = started.window;
      started.learned.catch((error: unknown) => console.warn('Parley: could not learn call servers', error));
      // A reload or crash drops the renderer's listeners: queue links until it asks again.
      window.webContents.on('did-start-loading', () => router.detach());
      // Closing the window keeps Parley running in the tray, so messages still arrive; Quit is in the tray menu.
      window.on('close', (event) => {
        if (!quitting) {
          event.preventDefault();
          window?.hide();
        }
      });
    })
    .catch((error: unknown) => {
      dialog.showErrorBox('Parley could not start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });
}

/** GET a relay's /v1/relay; a relay that does not answer within a few seconds is not waited for. */
const fetchRelayInfo: FetchJson = async (url) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
};
