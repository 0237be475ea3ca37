import { isAppUrl } from './origin.js';

/** What Electron tells the permission handlers, reduced to what the decision needs. */
export interface PermissionRequest {
  readonly permission: string;
  /** `details.requestingUrl` (request handler) or `requestingOrigin` (check handler). */
  readonly requestingUrl: string | undefined;
  readonly isMainFrame: boolean;
  /** For 'media': which devices. Missing means Electron did not say, which we treat as both. */
  readonly mediaTypes?: readonly string[] | undefined;
}

export type PermissionDecision = 'grant' | 'deny';

/** Calls (camera, microphone), notifications and writing to the clipboard; nothing else, ever. */
const GRANTABLE = new Set(['media', 'notifications', 'clipboard-sanitized-write']);
const MEDIA_TYPES = new Set(['audio', 'video']);

/**
 * Grants a permission only to the app's own top-level document. Requests from iframes, other origins, or
 * for permissions Parley does not use (geolocation, USB, serial, MIDI, screen capture…) are denied.
 */
export function permissionDecision(request: PermissionRequest, appOrigin: string): PermissionDecision {
  if (!request.isMainFrame) return 'deny';
  if (request.requestingUrl === undefined || !isAppUrl(request.requestingUrl, appOrigin)) return 'deny';
  if (!GRANTABLE.has(request.permission)) return 'deny';
  if (request.permission === 'media' && request.mediaTypes !== undefined) {
    if (!request.mediaTypes.every((type) => MEDIA_TYPES.has(type))) return 'deny';
  }
  return 'grant';
}
