import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CHUNK_BYTES } from './protocol.js';
import { TransferReceiver } from './receiver.js';
import { TransferSender } from './sender.js';
import { same, until } from './testing/checks.js';
import { sessionPool } from './testing/link-sessions.js';
import { MemorySink, MemorySource, patternBytes } from './testing/memory-file.js';

const { sessions, closeSessions } = sessionPool();
afterEach(closeSessions);

/** A sender whose eager burst (16 chunks) is held by the far session, nobody having attached there. */
async function heldBurst(id: string) {
  const file = patternBytes(40 * DEFAULT_CHUNK_BYTES);
  const sender = new TransferSender({ id, size: file.byteLength, source: new MemorySource(file), eager: 16 });
  const pair = await sessions(`forget-${id}`);
  pair.sa.attach(sender);
  await until(() => pair.sb.heldBytes === 16 * DEFAULT_CHUNK_BYTES, 'the burst to be held');
  return { ...pair, file, sender };
}

describe('a transfer this device will not take lets go of what its link holds for it', () => {
  it('drops the hello and the held burst of a refused file at once, not when the hold expires', async () => {
    const { sb, sender } = await heldBurst('refused');
    sb.forget('refused');
    expect(sb.heldBytes).toBe(0);
    expect(sb.unclaimedHellos()).toEqual([]);
    sender.cancel('refused by the recipient');
  });

  it('drops them when the sender cancels before the receiver attached', async () => {
    const { sb, sender } = await heldBurst('withdrawn');
    sender.cancel('the sender gave up');
    await until(() => sb.heldBytes === 0, 'the held burst to go');
    expect(sb.unclaimedHellos()).toEqual([]);
  });

  it('leaves an attached transfer alone', async () => {
    const { sb, sender, file } = await heldBurst('taken');
    const sink = new MemorySink(file.byteLength);
    sb.attach(new TransferReceiver({ id: 'taken', size: file.byteLength, sink }));
    sb.forget('taken');
    await sender.done;
    expect(same(sink.bytes, file)).toBe(true);
  });
});
