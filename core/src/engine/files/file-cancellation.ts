import { ParleyError } from '../../errors/index.js';
import type { ProtocolAddress } from '../../crypto/index.js';
import type { FileTransfers } from './file-transfers.js';
import { PERSON_CANCELLED } from './relay-send.js';

/**
 * A person cancels a file still moving, sending or receiving: a relay upload or download stops before its
 * next piece; a direct transfer stops at both ends (the peer's side reports 'file-cancelled' by 'remote').
 */
export function cancelTransfer(transfers: FileTransfers, messageId: string): void {
  const flag = transfers.relayTransfers.get(messageId);
  if (flag !== undefined) {
    flag.cancelled = true;
    return;
  }
  const sender = transfers.sending.get(messageId);
  const endpoint = sender ?? transfers.receiving.get(messageId);
  if (endpoint === undefined) throw new ParleyError('NOT_FOUND', 'no transfer of that file is under way');
  endpoint.cancel(PERSON_CANCELLED);
  // A receiver that never joined the transfer (offline, no link yet) would wait for it forever: tell it.
  const recipient = sender === undefined ? undefined : transfers.recipients.get(messageId);
  if (recipient !== undefined) {
    void transfers.ctx
      .sendControl([recipient], { type: 'file-cancelled', target: messageId })
      .catch((error: unknown) => transfers.report(error));
  }
}

/** The sender of `messageId` cancelled it: stop waiting for (or receiving) it. Only its sender may. */
export async function cancelledBySender(
  transfers: FileTransfers,
  from: ProtocolAddress,
  messageId: string,
): Promise<void> {
  const { ctx, records, cancelled } = transfers;
  const message = await ctx.db.messages.get(messageId);
  if (message === undefined || message.sender.name !== from.name) return;
  const info = await records.get(messageId);
  if (info === undefined || info.state !== 'transferring' || cancelled.has(messageId)) return;
  cancelled.add(messageId); // so our own stop below is not reported as ours
  transfers.receiving.get(messageId)?.cancel(PERSON_CANCELLED);
  await records.cancel(messageId, 'remote');
  ctx.emit('file-cancelled', { messageId, direction: 'receive', by: 'remote' });
}

/**
 * A transfer ended by a person's cancel, at either end: recorded (once `recorded`, the file record's first
 * write, is done), and told once.
 */
export function onCancel(
  transfers: FileTransfers,
  messageId: string,
  direction: 'send' | 'receive',
  by: 'local' | 'remote',
  reason: string,
  recorded?: Promise<void>,
): void {
  if (reason !== PERSON_CANCELLED || transfers.cancelled.has(messageId)) return; // reported otherwise
  transfers.cancelled.add(messageId);
  void (async () => {
    await recorded;
    await transfers.records.cancel(messageId, by);
    transfers.ctx.emit('file-cancelled', { messageId, direction, by });
  })().catch((error: unknown) => transfers.report(error));
}
