import {
  invokeChannels,
  isInvokeChannel,
  type InvokeChannel,
  type InvokeRequest,
} from '../../ipc/channels.js';
import { isAppUrl } from './origin.js';

export type IpcValidation<C extends InvokeChannel = InvokeChannel> =
  | { readonly ok: true; readonly channel: C; readonly payload: InvokeRequest<C> }
  | { readonly ok: false; readonly reason: string };

export interface IpcSender {
  /** `event.senderFrame?.url`; undefined when the frame is gone (navigated or destroyed). */
  readonly frameUrl: string | undefined;
  /** `event.senderFrame.parent === null`: only the top-level document may call main. */
  readonly isMainFrame: boolean;
}

/**
 * Checks an IPC call before main acts on it: a known channel, sent by the app's own top-level frame (not an
 * iframe, not a page the window was navigated to), with a payload that matches the channel's strict schema.
 * Returns the parsed payload, which has no fields beyond the schema's.
 */
export function validateIpc<C extends InvokeChannel>(
  channel: C,
  sender: IpcSender,
  payload: unknown,
  appOrigin: string,
): IpcValidation<C>;
export function validateIpc(
  channel: string,
  sender: IpcSender,
  payload: unknown,
  appOrigin: string,
): IpcValidation;
export function validateIpc(
  channel: string,
  sender: IpcSender,
  payload: unknown,
  appOrigin: string,
): IpcValidation {
  if (!isInvokeChannel(channel)) return { ok: false, reason: `unknown channel ${channel.slice(0, 64)}` };
  if (sender.frameUrl === undefined || !isAppUrl(sender.frameUrl, appOrigin))
    return { ok: false, reason: 'sender is not the app' };
  if (!sender.isMainFrame) return { ok: false, reason: 'sender is a subframe' };
  const parsed = invokeChannels[channel].request.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: `invalid payload for ${channel}` };
  return { ok: true, channel, payload: parsed.data } as IpcValidation;
}
