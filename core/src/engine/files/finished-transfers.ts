import { z } from 'zod';
import { isParleyError } from '../../errors/index.js';
import type { PeerAddress } from '../../link/link-manager.js';
import { FinishedTransfer } from '../../transfer/finished.js';
import type { TransferMessage } from '../../transfer/protocol.js';
import type { TransferSession } from '../../transfer/session.js';
import type { EngineStateStore } from '../shared/state-store.js';
import type { FileRecords } from './file-records.js';

/**
 * Engine-state key prefix of the direct transfers this device received whole, by transfer id: what a
 * sender's hello names. One small record per received file, kept like the file's own record.
 */
export const RECEIVED_TRANSFER_PREFIX = 'file-got:';

const RecordSchema = z.strictObject({
  v: z.literal(1),
  messageId: z.string().min(1).max(128),
  /** The link peer the file came from (its sender's device): only its hello is answered. */
  peer: z.strictObject({ identity: z.string().min(1).max(256), deviceId: z.string().min(1).max(32) }),
  /** The transfer's size in bytes (the ciphertext), which the sender's hello must name. */
  size: z.number().int().nonnegative(),
});

export interface ReceivedTransfer {
  readonly transferId: string;
  readonly messageId: string;
  readonly peer: PeerAddress;
  readonly size: number;
}

/**
 * Keeps that `transfer` was received whole. Written before the file's record says 'complete' (and both
 * before the sender is told `done`): a record that says complete always has this beside it, so a sender
 * whose `done` was lost by a stop right after is answered at the app's next start.
 */
export async function keepReceived(state: EngineStateStore, transfer: ReceivedTransfer): Promise<void> {
  const { transferId, messageId, peer, size } = transfer;
  await state.put(RECEIVED_TRANSFER_PREFIX + transferId, {
    v: 1,
    messageId,
    peer: { identity: peer.identity, deviceId: peer.deviceId },
    size,
  } satisfies z.infer<typeof RecordSchema>);
}

/**
 * A hello on `peer`'s link for a transfer nobody here is receiving (the session's 'unknown-transfer'): if it
 * is one this device received whole from that peer, and its file's record says so, the sender is told
 * `done` (FinishedTransfer), and lets go of the file. Anyone else's hello is left unanswered, as before.
 */
export function answerFinishedTransfers(
  session: TransferSession,
  peer: PeerAddress,
  state: EngineStateStore,
  records: FileRecords,
  report: (error: unknown) => void,
): void {
  const answer = (id: string, message: TransferMessage) => {
    if (message.t !== 'hello') return;
    void (async () => {
      const size = await finishedSize(state, records, id, peer);
      if (size === undefined) return;
      const endpoint = new FinishedTransfer(id, size);
      // Attaching replays the hello the session kept for it; the answer is sent at once.
      session.attach(endpoint);
      session.detach(endpoint);
    })().catch((error: unknown) => {
      // The link closed meanwhile (its sender says hello again on the next), or a receiver took it up.
      if (isParleyError(error, 'CLOSED') || isParleyError(error, 'CONFLICT')) return;
      report(error);
    });
  };
  session.on('unknown-transfer', ({ id, message }) => answer(id, message));
  // Hellos that came before this session was taken up (before its link's 'open' here) were told to nobody.
  for (const hello of session.unclaimedHellos()) answer(hello.id, hello);
}

/** The size of transfer `id` if this device received it whole from `peer` and recorded its file complete. */
async function finishedSize(
  state: EngineStateStore,
  records: FileRecords,
  id: string,
  peer: PeerAddress,
): Promise<number | undefined> {
  const parsed = RecordSchema.safeParse(await state.get(RECEIVED_TRANSFER_PREFIX + id));
  if (!parsed.success) return undefined;
  const { messageId, peer: from, size } = parsed.data;
  if (from.identity !== peer.identity || from.deviceId !== peer.deviceId) return undefined;
  const info = await records.get(messageId);
  return info?.direction === 'receive' && info.state === 'complete' ? size : undefined;
}
