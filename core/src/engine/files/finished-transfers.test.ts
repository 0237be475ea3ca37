import { afterEach, describe, expect, it } from 'vitest';
import type { PeerAddress } from '../../link/link-manager.js';
import { TransferSender } from '../../transfer/sender.js';
import { sessionPool } from '../../transfer/testing/link-sessions.js';
import { MemorySource, patternBytes } from '../../transfer/testing/memory-file.js';
import { InMemoryEngineStateStore } from '../shared/state-store.js';
import { FileRecords, type FileTransferState } from './file-records.js';
import { answerFinishedTransfers, keepReceived } from './finished-transfers.js';

const { sessions, closeSessions } = sessionPool();
afterEach(closeSessions);

// After a restart no receiver exists for a file this device already kept: a sender's hello for it is
// answered `done` only for the device it came from, and only once its record says complete.

const ALICE: PeerAddress = { identity: 'YWxpY2U', deviceId: '1' };
const MALLORY: PeerAddress = { identity: 'bWFsbG9yeQ', deviceId: '1' };
const SIZE = 120_000;

/** Bob's engine state: transfers he kept, each from a peer, its file's record in `state`. */
async function bobsState(
  kept: ReadonlyArray<{ transferId: string; from: PeerAddress; state: FileTransferState }>,
): Promise<{ state: InMemoryEngineStateStore; records: FileRecords }> {
  const state = new InMemoryEngineStateStore();
  const records = new FileRecords(state);
  for (const { transferId, from, state: fileState } of kept) {
    const messageId = `m-${transferId}`;
    await keepReceived(state, { transferId, messageId, peer: from, size: SIZE });
    await records.put({
      messageId,
      direction: 'receive',
      name: 'atlas.bin',
      mimeType: 'application/octet-stream',
      size: SIZE,
      state: fileState,
    });
  }
  return { state, records };
}

/** A sender holding transfer `id` (of SIZE bytes) that says hello on `session`'s other end. */
function senderOf(id: string): TransferSender {
  return new TransferSender({ id, size: SIZE, source: new MemorySource(patternBytes(SIZE)) });
}

describe('answering a hello for a file kept before a restart', () => {
  it('ends the sender of a file this device kept from it', async () => {
    const { state, records } = await bobsState([{ transferId: 'kept', from: ALICE, state: 'complete' }]);
    const { sa, sb } = await sessions('kept');
    const errors: unknown[] = [];
    answerFinishedTransfers(sb, ALICE, state, records, (error) => errors.push(error));
    const sender = senderOf('kept');
    sa.attach(sender);
    await sender.done;
    expect(sender.state).toBe('complete');
    expect(errors).toEqual([]);
  });

  it('answers a hello that came before the session was taken up', async () => {
    const { state, records } = await bobsState([{ transferId: 'early', from: ALICE, state: 'complete' }]);
    const { sa, sb } = await sessions('early');
    const told = new Promise((resolve) => sb.once('unknown-transfer', resolve));
    const sender = senderOf('early');
    sa.attach(sender);
    // The hello is in before anyone listens (a link's 'open' comes after the peer's first message).
    await told;
    answerFinishedTransfers(sb, ALICE, state, records, () => undefined);
    await sender.done;
    expect(sender.state).toBe('complete');
  });

  it("does not answer another device's hello naming a file kept from someone else, nor one still coming", async () => {
    const { state, records } = await bobsState([
      { transferId: 'alices', from: ALICE, state: 'complete' },
      { transferId: 'coming', from: MALLORY, state: 'transferring' },
      { transferId: 'mallorys', from: MALLORY, state: 'complete' },
    ]);
    // The link is Mallory's: she says hello for Alice's transfer and for one of hers that is not kept yet.
    const { sa, sb } = await sessions('mallory');
    answerFinishedTransfers(sb, MALLORY, state, records, () => undefined);
    const stolen = senderOf('alices');
    const early = senderOf('coming');
    sa.attach(stolen);
    sa.attach(early);
    // A hello of her own that was kept is answered; the two before it were looked up first, and were not.
    const own = senderOf('mallorys');
    sa.attach(own);
    await own.done;
    expect(stolen.state).toBe('waiting');
    expect(early.state).toBe('waiting');
    stolen.cancel();
    early.cancel();
  });
});
