import { describe, expect, it, vi } from 'vitest';
import { dispatchIpc, IpcRejectedError, type IpcHandlers } from './ipc-dispatch.js';

const APP = 'app://parley';
const app = { frameUrl: 'app://parley/index.html', isMainFrame: true };

function handlers(): IpcHandlers {
  return {
    'parley:key:get-database-key': vi.fn(() =>
      Promise.resolve({ kind: 'protected' as const, key: new Uint8Array(32) }),
    ),
    'parley:notification:show': vi.fn(() => Promise.resolve({ shown: true })),
    'parley:unread:set': vi.fn(() => Promise.resolve({})),
    'parley:external:open': vi.fn(() => Promise.resolve({ opened: false })),
    'parley:login-item:get': vi.fn(() => Promise.resolve({ openAtLogin: false })),
    'parley:login-item:set': vi.fn((p: { openAtLogin: boolean }) => Promise.resolve(p)),
    'parley:relays:allow': vi.fn(() => Promise.resolve({ reloadRequired: false })),
    'parley:deep-link:take-pending': vi.fn(() => Promise.resolve({ contacts: [] })),
    'parley:screen:list-sources': vi.fn(() => Promise.resolve({ sources: [] })),
    'parley:screen:choose': vi.fn((p: { id: string }) => Promise.resolve({ chosen: p.id !== '' })),
  };
}

describe('IPC dispatch', () => {
  it('runs the handler with the validated payload', async () => {
    const table = handlers();
    await expect(
      dispatchIpc(table, 'parley:login-item:set', app, { openAtLogin: true }, APP),
    ).resolves.toEqual({
      openAtLogin: true,
    });
    expect(table['parley:login-item:set']).toHaveBeenCalledWith({ openAtLogin: true });
  });

  it('never reaches the handler for a call from another frame or with a bad payload', async () => {
    const table = handlers();
    await expect(
      dispatchIpc(
        table,
        'parley:key:get-database-key',
        { frameUrl: 'https://evil.example/', isMainFrame: true },
        {},
        APP,
      ),
    ).rejects.toBeInstanceOf(IpcRejectedError);
    await expect(dispatchIpc(table, 'parley:unread:set', app, { count: 1, extra: 1 }, APP)).rejects.toThrow(
      'invalid payload for parley:unread:set',
    );
    expect(table['parley:key:get-database-key']).not.toHaveBeenCalled();
    expect(table['parley:unread:set']).not.toHaveBeenCalled();
  });

  it('refuses a screen pick that is not a bounded source id', async () => {
    const table = handlers();
    for (const payload of [
      {},
      { id: '' },
      { id: 'x'.repeat(257) },
      { id: 7 },
      { id: 'screen:0:0', share: true },
    ])
      await expect(dispatchIpc(table, 'parley:screen:choose', app, payload, APP)).rejects.toThrow(
        'invalid payload for parley:screen:choose',
      );
    expect(table['parley:screen:choose']).not.toHaveBeenCalled();
  });
});
