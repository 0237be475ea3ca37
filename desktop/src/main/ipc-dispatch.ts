import type { InvokeChannel, InvokeRequest, InvokeResponse } from '../ipc/channels.js';
import { validateIpc, type IpcSender } from './policy/ipc-guard.js';

/** One handler per invoke channel: the compiler checks that none is missing. */
export type IpcHandlers = {
  readonly [C in InvokeChannel]: (payload: InvokeRequest<C>) => Promise<InvokeResponse<C>>;
};

export class IpcRejectedError extends Error {
  override readonly name = 'IpcRejectedError';
}

/**
 * Validates a call (channel, sender frame, payload) and runs its handler with the parsed payload. A rejected
 * call throws without reaching a handler; the renderer sees a generic failure and main logs the reason.
 */
export async function dispatchIpc<C extends InvokeChannel>(
  handlers: IpcHandlers,
  channel: C,
  sender: IpcSender,
  payload: unknown,
  appOrigin: string,
): Promise<InvokeResponse<C>> {
  const checked = validateIpc(channel, sender, payload, appOrigin);
  if (!checked.ok) throw new IpcRejectedError(checked.reason);
  const handler = handlers[channel] as (payload: InvokeRequest<C>) => Promise<InvokeResponse<C>>;
  return handler(checked.payload);
}
