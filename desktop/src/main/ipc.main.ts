import { ipcMain } from 'electron';
import { invokeChannels, type InvokeChannel } from '../ipc/channels.js';
import { APP_ORIGIN } from './constants.js';
import { dispatchIpc, type IpcHandlers } from './ipc-dispatch.js';

/**
 * Registers every declared channel with ipcMain; each call is checked (sender frame, payload) by
 * dispatchIpc before its handler runs. The renderer only learns that a call failed, main logs why.
 */
export function registerIpc(handlers: IpcHandlers): void {
  for (const channel of Object.keys(invokeChannels) as InvokeChannel[]) {
    ipcMain.handle(channel, async (event, payload: unknown) => {
      const frame = event.senderFrame;
      const sender = { frameUrl: frame?.url, isMainFrame: frame !== null && frame.parent === null };
      try {
        return await dispatchIpc(handlers, channel, sender, payload, APP_ORIGIN);
      } catch (error) {
        console.warn(`IPC ${channel} refused or failed`, error);
        throw new Error(`${channel} failed`);
      }
    });
  }
}
