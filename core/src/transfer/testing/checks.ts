import { isParleyError } from '../../errors/index.js';
import type { TransferReceiver } from '../receiver.js';
import type { TransferSender } from '../sender.js';
import type { TransferProgress } from '../types.js';

/** Whether two files hold the same bytes. */
export function same(left: Uint8Array, right: Uint8Array): boolean {
  return left.byteLength === right.byteLength && left.every((byte, i) => byte === right[i]);
}

/** Every progress event `endpoint` emits from now on. */
export function recordProgress(endpoint: TransferSender | TransferReceiver): TransferProgress[] {
  const seen: TransferProgress[] = [];
  endpoint.on('progress', (progress) => seen.push(progress));
  return seen;
}

export const isClosedError = (error: unknown) => isParleyError(error, 'CLOSED');

/** Polls `check` every 5 ms until it holds, failing after 10 s with what was awaited. */
export async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
