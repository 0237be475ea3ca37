import { describe, expect, it } from 'vitest';
import type { TransferMessage } from './protocol.js';
import { TransferSender } from './sender.js';
import { MemorySource, patternBytes } from './testing/memory-file.js';

describe('TransferSender', () => {
  it('sends its chunks through send() to a port without the chunk fast path, each after the last resolved', async () => {
    const file = patternBytes(10_000, 3);
    const sender = new TransferSender({
      id: 'plain',
      size: file.byteLength,
      source: new MemorySource(file),
      chunkSize: 1_000,
      window: 4,
    });
    const chunks: Uint8Array[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const port = {
      send: async (message: TransferMessage) => {
        if (message.t !== 'chunk') return;
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        chunks[message.index] = message.bytes.slice();
        await Promise.resolve();
        inFlight -= 1;
      },
    };
    sender.attach(port);
    sender.handle({ t: 'ack', id: 'plain', next: 0 }, port);
    await expect.poll(() => chunks.length, { timeout: 30_000 }).toBe(4); // one window
    sender.handle({ t: 'ack', id: 'plain', next: 4 }, port);
    await expect.poll(() => chunks.length, { timeout: 30_000 }).toBe(8);
    sender.handle({ t: 'ack', id: 'plain', next: 8 }, port);
    await expect.poll(() => chunks.length, { timeout: 30_000 }).toBe(10);
    expect(mostInFlight).toBe(1);
    expect(Buffer.compare(Buffer.concat(chunks), file)).toBe(0);
  });
});
