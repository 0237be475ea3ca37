import { readFile } from 'node:fs/promises';
import { protocol, type Session } from 'electron';
import { APP_ORIGIN, APP_SCHEME } from './constants.js';
import { mimeTypeFor, resolveAppAsset } from './policy/app-assets.js';
import { permissionDecision } from './policy/permissions.js';

/** Must run before `app` is ready: app:// behaves like https (secure context, fetch, storage). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

export interface SessionOptions {
  /** The renderer's build folder, served as app://parley/. */
  readonly rendererDir: string;
  /** The current Content-Security-Policy (it grows when relays are added). */
  readonly csp: () => string;
}

/** Serves the renderer, sets its CSP, and answers permission requests, all for one session. */
export function configureSession(ses: Session, options: SessionOptions): void {
  ses.protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppAsset(request.url, APP_ORIGIN, options.rendererDir);
    if (file === undefined) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'Content-Type': mimeTypeFor(file),
          'Content-Security-Policy': options.csp(),
          'X-Content-Type-Options': 'nosniff',
          'Cross-Origin-Opener-Policy': 'same-origin',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });

  // Belt and braces: every document the session loads gets the policy, whatever served it.
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (details.resourceType !== 'mainFrame' && details.resourceType !== 'subFrame') {
      callback({});
      return;
    }
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [options.csp()] } });
  });

  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
    const request = {
      permission,
      requestingUrl: details.requestingUrl,
      isMainFrame: details.isMainFrame,
      mediaTypes,
    };
    callback(permissionDecision(request, APP_ORIGIN) === 'grant');
  });
  ses.setPermissionCheckHandler(
    (_contents, permission, requestingOrigin, details) =>
      permissionDecision(
        { permission, requestingUrl: requestingOrigin, isMainFrame: details.isMainFrame },
        APP_ORIGIN,
      ) === 'grant',
  );
  // USB, serial, HID and Bluetooth devices: never.
  ses.setDevicePermissionHandler(() => false);
}
