import { z } from 'zod';

/**
 * Every IPC channel between the main process and the preload, with the schema of what crosses it. Main
 * validates each request against `request` (and checks its sender) before acting; the preload builds its
 * API from the same table, so a channel cannot exist on one side only. Schemas are strict (unknown fields are
 * rejected) and every string and array is bounded, so a compromised renderer cannot make main allocate much.
 */

const conversationId = z.string().min(1).max(128);

/** A contact taken from a `parley://contact` link: data for the UI to show as text, never as HTML. */
export const contactLinkSchema = z
  .object({
    account: z.string().min(1).max(256),
    relayUrl: z.string().min(1).max(2048),
    displayName: z.string().max(128),
  })
  .strict();

/** The database key, why there is none and a passphrase must protect the keys instead, or why it is lost. */
export const databaseKeyResultSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('protected'),
      key: z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length === 32),
    })
    .strict(),
  z
    .object({
      kind: z.literal('passphrase'),
      reason: z.enum(['os-encryption-unavailable', 'chosen-earlier']),
      detail: z.string().max(512),
    })
    .strict(),
  /** The key exists but cannot be recovered; nothing was replaced. The UI shows this and stops. */
  z
    .object({
      kind: z.literal('error'),
      code: z.enum(['DECRYPT_FAILED', 'UNAVAILABLE', 'INTERNAL']),
      message: z.string().max(1024),
    })
    .strict(),
]);

const empty = z.object({}).strict();

/** A screen or window the person may share in a call (desktopCapturer's source, with a small picture). */
export const screenSourceSchema = z
  .object({
    id: z.string().min(1).max(256),
    name: z.string().max(256),
    kind: z.enum(['screen', 'window']),
    /** A PNG data URL of at most a few hundred pixels across. */
    thumbnail: z.string().max(512 * 1024),
  })
  .strict();

/** Renderer → main, answered (`ipcRenderer.invoke` / `ipcMain.handle`). */
export const invokeChannels = {
  'parley:key:get-database-key': { request: empty, response: databaseKeyResultSchema },
  'parley:notification:show': {
    request: z
      .object({ conversationId, title: z.string().min(1).max(200), body: z.string().max(1000) })
      .strict(),
    response: z.object({ shown: z.boolean() }).strict(),
  },
  'parley:unread:set': {
    request: z.object({ count: z.number().int().min(0).max(1_000_000) }).strict(),
    response: z.object({}).strict(),
  },
  'parley:external:open': {
    request: z.object({ url: z.string().min(1).max(2048) }).strict(),
    response: z.object({ opened: z.boolean() }).strict(),
  },
  'parley:login-item:get': { request: empty, response: z.object({ openAtLogin: z.boolean() }).strict() },
  'parley:login-item:set': {
    request: z.object({ openAtLogin: z.boolean() }).strict(),
    response: z.object({ openAtLogin: z.boolean() }).strict(),
  },
  /** Relay origins the renderer needs in its CSP's connect-src; takes effect at the next load. */
  'parley:relays:allow': {
    request: z.object({ origins: z.array(z.string().min(1).max(256)).min(1).max(32) }).strict(),
    response: z.object({ reloadRequired: z.boolean() }).strict(),
  },
  /** The screens and windows a call may share (Electron's getDisplayMedia has no picker of its own). */
  'parley:screen:list-sources': {
    request: empty,
    response: z.object({ sources: z.array(screenSourceSchema).max(64) }).strict(),
  },
  /** The one the person picked: the next getDisplayMedia gets it (only an id the last list offered). */
  'parley:screen:choose': {
    request: z.object({ id: z.string().min(1).max(256) }).strict(),
    response: z.object({ chosen: z.boolean() }).strict(),
  },
  /** Contact links that arrived (argv, open-url) before the renderer was listening. */
  'parley:deep-link:take-pending': {
    request: empty,
    response: z.object({ contacts: z.array(contactLinkSchema).max(16) }).strict(),
  },
} as const;

/** Main → renderer, one way (`webContents.send` / `ipcRenderer.on`). */
export const eventChannels = {
  'parley:deep-link:contact': contactLinkSchema,
  'parley:deep-link:rejected': z.object({ reason: z.string().max(512) }).strict(),
  'parley:notification:clicked': z.object({ conversationId }).strict(),
} as const;

export type InvokeChannel = keyof typeof invokeChannels;
export type EventChannel = keyof typeof eventChannels;
export type InvokeRequest<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['request']>;
export type InvokeResponse<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['response']>;
export type EventPayload<C extends EventChannel> = z.infer<(typeof eventChannels)[C]>;
export type ContactLinkPayload = z.infer<typeof contactLinkSchema>;
export type DatabaseKeyResult = z.infer<typeof databaseKeyResultSchema>;
export type ScreenSource = z.infer<typeof screenSourceSchema>;

export function isInvokeChannel(channel: string): channel is InvokeChannel {
  return Object.hasOwn(invokeChannels, channel);
}
