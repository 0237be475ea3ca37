import { describe, expect, it } from 'vitest';
import { invokeChannels } from '../ipc/channels.js';
import { createParleyApi, type IpcRendererLike } from './api.js';

type Listener = (event: unknown, payload: unknown) => void;

function fakeIpc(answers: Record<string, unknown>) {
  const listeners = new Map<string, Set<Listener>>();
  const calls: [string, unknown][] = [];
  const ipc: IpcRendererLike = {
    invoke(channel, payload) {
      calls.push([channel, payload]);
      return Promise.resolve(answers[channel]);
    },
    on(channel, listener) {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
    },
  };
  const emit = (channel: string, payload: unknown) => {
    for (const listener of listeners.get(channel) ?? []) listener({ sender: 'secret ipcRenderer' }, payload);
  };
  return { ipc, calls, emit };
}

describe('preload API', () => {
  it('sends each call on its own channel with exactly the declared payload', async () => {
    const { ipc, calls } = fakeIpc({
      'parley:unread:set': {},
      'parley:external:open': { opened: true },
      'parley:login-item:set': { openAtLogin: true },
    });
    const api = createParleyApi(ipc);
    await api.setUnreadCount(4);
    expect(await api.openExternal('https://example.com')).toBe(true);
    expect(await api.setOpenAtLogin(true)).toBe(true);
    expect(calls).toEqual([
      ['parley:unread:set', { count: 4 }],
      ['parley:external:open', { url: 'https://example.com' }],
      ['parley:login-item:set', { openAtLogin: true }],
    ]);
  });

  it('hands the renderer the database key main answered with', async () => {
    const key = new Uint8Array(32).fill(7);
    const { ipc } = fakeIpc({ 'parley:key:get-database-key': { kind: 'protected', key } });
    expect(await createParleyApi(ipc).getDatabaseKey()).toEqual({ kind: 'protected', key });
  });

  it('rejects an answer that does not match the channel', async () => {
    const { ipc } = fakeIpc({ 'parley:login-item:get': { openAtLogin: 'yes' } });
    await expect(createParleyApi(ipc).getOpenAtLogin()).rejects.toThrow();
  });

  it('passes only the validated payload to listeners, never the IPC event, and unsubscribes', () => {
    const { ipc, emit } = fakeIpc({});
    const api = createParleyApi(ipc);
    const seen: unknown[] = [];
    const stop = api.onNotificationClicked((...args: unknown[]) => seen.push(args));
    emit('parley:notification:clicked', { conversationId: 'c1' });
    emit('parley:notification:clicked', { conversationId: 42 });
    stop();
    emit('parley:notification:clicked', { conversationId: 'c2' });
    expect(seen).toEqual([['c1']]);
  });

  it('delivers a contact link with a hostile display name as plain data', () => {
    const { ipc, emit } = fakeIpc({});
    const links: unknown[] = [];
    createParleyApi(ipc).onContactLink((link) => links.push(link));
    const link = { account: 'a', relayUrl: 'https://r', displayName: '<img src=x onerror=alert(1)>' };
    emit('parley:deep-link:contact', link);
    emit('parley:deep-link:contact', { ...link, html: '<b>' });
    expect(links).toEqual([link]);
  });

  it('offers a method for every declared channel, so main and preload cannot drift apart', async () => {
    const { ipc, calls } = fakeIpc({});
    const api = createParleyApi(ipc);
    await Promise.allSettled([
      api.getDatabaseKey(),
      api.showNotification({ conversationId: 'c', title: 't', body: 'b' }),
      api.setUnreadCount(1),
      api.openExternal('https://example.com'),
      api.getOpenAtLogin(),
      api.setOpenAtLogin(false),
      api.allowRelays(['https://relay.example']),
      api.takePendingContactLinks(),
      api.listScreenSources(),
      api.chooseScreenSource('screen:0:0'),
    ]);
    expect(new Set(calls.map(([channel]) => channel))).toEqual(new Set(Object.keys(invokeChannels)));
  });

  it('hands the renderer the screens main listed, and refuses a list with a stray field', async () => {
    const source = {
      id: 'screen:0:0',
      name: 'Entire screen',
      kind: 'screen',
      thumbnail: 'data:image/png;base64,',
    };
    const { ipc } = fakeIpc({ 'parley:screen:list-sources': { sources: [source] } });
    expect(await createParleyApi(ipc).listScreenSources()).toEqual([source]);
    const bad = fakeIpc({ 'parley:screen:list-sources': { sources: [{ ...source, script: 'x' }] } });
    await expect(createParleyApi(bad.ipc).listScreenSources()).rejects.toThrow();
  });

  it('sends requests that main will accept', async () => {
    const { ipc, calls } = fakeIpc({});
    const api = createParleyApi(ipc);
    await Promise.allSettled([
      api.setUnreadCount(2),
      api.allowRelays(['https://relay.example']),
      api.chooseScreenSource('window:42:0'),
    ]);
    for (const [channel, payload] of calls) {
      const schema = invokeChannels[channel as keyof typeof invokeChannels].request;
      expect(schema.safeParse(payload).success).toBe(true);
    }
  });
});
