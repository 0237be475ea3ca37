import {
  eventChannels,
  invokeChannels,
  type ContactLinkPayload,
  type DatabaseKeyResult,
  type EventChannel,
  type EventPayload,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type ScreenSource,
} from '../ipc/channels.js';

/** What the renderer sees as `window.parley`. Each method is one declared IPC channel; nothing generic. */
export interface ParleyDesktopApi {
  /** The key for core's createSecretboxKeyWrapper, or why a passphrase is needed, or why the key is lost. */
  getDatabaseKey(): Promise<DatabaseKeyResult>;
  showNotification(notification: InvokeRequest<'parley:notification:show'>): Promise<boolean>;
  setUnreadCount(count: number): Promise<void>;
  /** Asks the user, then opens an http(s) link in the system browser; false if refused or not allowed. */
  openExternal(url: string): Promise<boolean>;
  getOpenAtLogin(): Promise<boolean>;
  setOpenAtLogin(openAtLogin: boolean): Promise<boolean>;
  /** Lets the CSP reach these relays; when `reloadRequired`, reload the page before connecting. */
  allowRelays(origins: readonly string[]): Promise<{ reloadRequired: boolean }>;
  /** The screens and windows a call may share, for the renderer's picker. */
  listScreenSources(): Promise<ScreenSource[]>;
  /** The picked source: the next getDisplayMedia shares it. False if main no longer offers it. */
  chooseScreenSource(id: string): Promise<boolean>;
  /** Contact links that arrived before the renderer listened; call once after subscribing. */
  takePendingContactLinks(): Promise<ContactLinkPayload[]>;
  /** A `parley://contact` link was opened. The display name is data: render it as text. */
  onContactLink(listener: (link: ContactLinkPayload) => void): () => void;
  onContactLinkRejected(listener: (reason: string) => void): () => void;
  onNotificationClicked(listener: (conversationId: string) => void): () => void;
}

/** The part of Electron's ipcRenderer the API uses (injected so the API is tested without Electron). */
export interface IpcRendererLike {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

export function createParleyApi(ipc: IpcRendererLike): ParleyDesktopApi {
  async function invoke<C extends InvokeChannel>(
    channel: C,
    request: InvokeRequest<C>,
  ): Promise<InvokeResponse<C>> {
    const response = await ipc.invoke(channel, request);
    return invokeChannels[channel].response.parse(response) as InvokeResponse<C>;
  }

  // The listener gets the validated payload only, never Electron's event object (which exposes `sender`).
  function subscribe<C extends EventChannel>(
    channel: C,
    listener: (payload: EventPayload<C>) => void,
  ): () => void {
    const wrapped = (_event: unknown, payload: unknown) => {
      const parsed = eventChannels[channel].safeParse(payload);
      if (parsed.success) listener(parsed.data as EventPayload<C>);
    };
    ipc.on(channel, wrapped);
    return () => {
      ipc.removeListener(channel, wrapped);
    };
  }

  return {
    getDatabaseKey: () => invoke('parley:key:get-database-key', {}),
    showNotification: async (notification) => (await invoke('parley:notification:show', notification)).shown,
    setUnreadCount: async (count) => {
      await invoke('parley:unread:set', { count });
    },
    openExternal: async (url) => (await invoke('parley:external:open', { url })).opened,
    getOpenAtLogin: async () => (await invoke('parley:login-item:get', {})).openAtLogin,
    setOpenAtLogin: async (openAtLogin) =>
      (await invoke('parley:login-item:set', { openAtLogin })).openAtLogin,
    allowRelays: (origins) => invoke('parley:relays:allow', { origins: [...origins] }),
    listScreenSources: async () => (await invoke('parley:screen:list-sources', {})).sources,
    chooseScreenSource: async (id) => (await invoke('parley:screen:choose', { id })).chosen,
    takePendingContactLinks: async () => (await invoke('parley:deep-link:take-pending', {})).contacts,
    onContactLink: (listener) => subscribe('parley:deep-link:contact', listener),
    onContactLinkRejected: (listener) =>
      subscribe('parley:deep-link:rejected', ({ reason }) => listener(reason)),
    onNotificationClicked: (listener) =>
      subscribe('parley:notification:clicked', ({ conversationId }) => listener(conversationId)),
  };
}
