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
