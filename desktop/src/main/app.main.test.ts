import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { invokeChannels } from '../ipc/channels.js';

/** A stand-in for Electron's main-process API that records what app.main.ts wires up. */
const fake = vi.hoisted(() => {
  type Fn = (...args: never[]) => unknown;
  const appListeners = new Map<string, Fn>();
  const ipc = new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>();
  const session: Record<string, Fn> = {};
  const noop = () => undefined;
  return { appListeners, ipc, session, noop, userData: '' };
});

vi.mock('electron', () => {
  const { appListeners, ipc, session, noop } = fake;
  const userData = mkdtempSync(path.join(tmpdir(), 'parley-app-main-'));
  fake.userData = userData;
  class BrowserWindow {
    webContents = { on: noop, send: noop };
    maximize = noop;
    once = noop;
    on = noop;
    loadURL = () => Promise.resolve();
  }
  return {
    app: {
      on: (event: string, listener: never) => appListeners.set(event, listener),
      requestSingleInstanceLock: () => true,
      enableSandbox: noop,
      setAsDefaultProtocolClient: noop,
      setAppUserModelId: noop,
      whenReady: () => Promise.resolve(),
      getPath: () => userData,
      getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
      quit: noop,
      exit: noop,
      setBadgeCount: noop,
    },
    protocol: { registerSchemesAsPrivileged: noop },
    session: {
      defaultSession: {
        protocol: { handle: (_scheme: string, handler: never) => (session['app'] = handler) },
        webRequest: { onHeadersReceived: (handler: never) => (session['headers'] = handler) },
        setPermissionRequestHandler: (handler: never) => (session['request'] = handler),
        setPermissionCheckHandler: (handler: never) => (session['check'] = handler),
        setDevicePermissionHandler: (handler: never) => (session['device'] = handler),
        setDisplayMediaRequestHandler: (handler: never) => (session['display'] = handler),
      },
    },
    desktopCapturer: {
      getSources: () =>
        Promise.resolve(
          ['screen:0:0', 'window:42:0'].map((id) => ({
            id,
            name: id === 'screen:0:0' ? 'Entire screen' : 'Notes',
            thumbnail: { toDataURL: () => 'data:image/png;base64,' },
          })),
        ),
    },
    ipcMain: { handle: (channel: string, handler: never) => ipc.set(channel, handler) },
    dialog: { showErrorBox: noop, showMessageBox: () => Promise.resolve({ response: 0 }) },
    shell: { openExternal: vi.fn(() => Promise.resolve()) },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (plain: string) => Buffer.from(plain).reverse(),
      decryptString: (encrypted: Buffer) => Buffer.from(encrypted).reverse().toString(),
    },
    Tray: class {
      setToolTip = noop;
      setContextMenu = noop;
      on = noop;
      setTitle = noop;
    },
    Menu: { buildFromTemplate: (template: unknown) => template },
    nativeImage: { createFromPath: () => ({ isEmpty: () => true }), createEmpty: () => ({}) },
    Notification: class {
      static isSupported = () => false;
    },
    screen: {
      getPrimaryDisplay: () => ({ id: 1, workArea: { x: 0, y: 0, width: 1440, height: 900 } }),
      getAllDisplays: () => [],
    },
    BrowserWindow,
  };
});

const fromApp = { senderFrame: { url: 'app://parley/index.html', parent: null } };

describe('main process wiring', () => {
  beforeAll(async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await import('./app.main.js');
    await vi.waitFor(() => expect(fake.ipc.size).toBe(Object.keys(invokeChannels).length));
  });
  afterAll(() => {
    rmSync(fake.userData, { recursive: true, force: true });
  });

  it('answers every declared channel, and the app gets its database key', async () => {
    expect([...fake.ipc.keys()].sort()).toEqual(Object.keys(invokeChannels).sort());
    const answer = await fake.ipc.get('parley:key:get-database-key')?.(fromApp, {});
    expect(answer).toMatchObject({ kind: 'protected', key: expect.any(Uint8Array) });
  });

  it('refuses IPC from another page or an iframe without running the handler', async () => {
    const handler = fake.ipc.get('parley:key:get-database-key');
    await expect(
      handler?.({ senderFrame: { url: 'https://evil.example/', parent: null } }, {}),
    ).rejects.toThrow('parley:key:get-database-key failed');
    await expect(handler?.({ senderFrame: { url: 'app://parley/', parent: {} } }, {})).rejects.toThrow();
    await expect(handler?.({ senderFrame: null }, {})).rejects.toThrow();
  });

  it('guards navigation and new windows of every web contents', () => {
    const listeners = new Map<
      string,
      (event: { preventDefault(): void; url?: string }, url?: string) => void
    >();
    let openHandler: ((details: { url: string }) => { action: string }) | undefined;
    const contents = {
      on: (event: string, listener: never) => listeners.set(event, listener),
      setWindowOpenHandler: (handler: never) => (openHandler = handler),
    };
    (fake.appListeners.get('web-contents-created') as (event: unknown, contents: unknown) => void)(
      {},
      contents,
    );
    const prevented = vi.fn();
    listeners.get('will-navigate')?.({ preventDefault: prevented }, 'https://evil.example/');
    listeners.get('will-redirect')?.({ preventDefault: prevented }, 'file:///etc/passwd');
    listeners.get('will-attach-webview')?.({ preventDefault: prevented });
    expect(prevented).toHaveBeenCalledTimes(3);
    listeners.get('will-navigate')?.({ preventDefault: prevented }, 'app://parley/index.html');
    expect(prevented).toHaveBeenCalledTimes(3);
    expect(openHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
  });

  it('grants permissions through the policy only', () => {
    const request = fake.session['request'] as (...args: unknown[]) => void;
    const decisions: boolean[] = [];
    request({}, 'media', (granted: boolean) => decisions.push(granted), {
      requestingUrl: 'app://parley/',
      isMainFrame: true,
    });
    request({}, 'geolocation', (granted: boolean) => decisions.push(granted), {
      requestingUrl: 'app://parley/',
      isMainFrame: true,
    });
    expect(decisions).toEqual([true, false]);
    expect((fake.session['device'] as () => boolean)()).toBe(false);
  });

  it('shares only the screen the person picked from main’s list, once, and only with the app’s page', async () => {
    const display = fake.session['display'] as (
      request: { frame: { url: string; parent: unknown } | null; videoRequested: boolean },
      callback: (streams: unknown) => void,
    ) => void;
    const ask = (frame: { url: string; parent: unknown } | null = { url: 'app://parley/', parent: null }) =>
      new Promise((resolve) => display({ frame, videoRequested: true }, resolve));
    const ipc = (channel: string, payload: unknown) => fake.ipc.get(channel)?.(fromApp, payload);
    // Nothing picked: nothing shared.
    expect(await ask()).toBeNull();
    const listed = (await ipc('parley:screen:list-sources', {})) as { sources: { id: string }[] };
    expect(listed.sources.map((source) => source.id)).toEqual(['screen:0:0', 'window:42:0']);
    expect(await ipc('parley:screen:choose', { id: 'screen:7:0' })).toEqual({ chosen: false });
    expect(await ask()).toBeNull();
    await ipc('parley:screen:list-sources', {});
    expect(await ipc('parley:screen:choose', { id: 'window:42:0' })).toEqual({ chosen: true });
    expect(await ask({ url: 'https://evil.example/', parent: null })).toBeNull();
    // The pick was used up by the refused request: the app's page must list and pick again.
    await ipc('parley:screen:list-sources', {});
    await ipc('parley:screen:choose', { id: 'window:42:0' });
    expect(await ask()).toEqual({ video: { id: 'window:42:0', name: 'Notes' } });
    expect(await ask()).toBeNull();
  });

  it('serves nothing outside the renderer folder and sets the CSP on documents', async () => {
    const serve = fake.session['app'] as (request: { url: string }) => Promise<Response>;
    expect((await serve({ url: 'app://parley/%2e%2e%2f..%2fpackage.json' })).status).toBe(404);
    let headers: Record<string, string[]> | undefined;
    (
      fake.session['headers'] as (
        details: unknown,
        callback: (r: { responseHeaders?: never }) => void,
      ) => void
    )({ resourceType: 'mainFrame', responseHeaders: {} }, (result) => (headers = result.responseHeaders));
    expect(headers?.['Content-Security-Policy']?.[0]).toContain("script-src 'self'");
  });
});
