import { afterEach, describe, expect, it } from 'vitest';
import type { ParleyError } from '../errors/index.js';
import { whenClosed } from '../link/testing/link-pair.js';
import { TransferReceiver } from './receiver.js';
import { TransferSender } from './sender.js';
import { recordProgress, same } from './testing/checks.js';
import { sessionPool } from './testing/link-sessions.js';
import { MemorySink, MemorySource, patternBytes } from './testing/memory-file.js';
import type { TransferMessage } from './protocol.js';

const { sessions, closeSessions } = sessionPool();
afterEach(closeSessions);

describe('file transfer', () => {
  it('acknowledges in batches of a quarter window, not every chunk, even when the receiver keeps up', async () => {
    const file = patternBytes(3_000_000, 11);
    const sender = new TransferSender({
      id: 'batched',
      size: file.byteLength,
      source: new MemorySource(file),
    });
    const receiver = new TransferReceiver({
      id: 'batched',
      size: file.byteLength,
      sink: new MemorySink(file.byteLength),
    });
    const acks = recordProgress(sender); // one progress event per ack that moved the sender on
    const { sa, sb } = await sessions('batched');
    sb.attach(receiver);
    sa.attach(sender);
    await Promise.all([sender.done, receiver.done]);
    expect(sender.totalChunks).toBeGreaterThan(150);
    expect(acks.length).toBeLessThanOrEqual(Math.ceil(sender.totalChunks / 16) + 1);
  });

  it('sends each ack before the progress event of the chunk it acknowledges, whatever its listeners do', async () => {
    const chunkSize = 1_000;
    const receiver = new TransferReceiver({
      id: 'ack-first',
      size: 8 * chunkSize,
      sink: new MemorySink(8 * chunkSize),
      ackEvery: 4,
    });
    // The last ack the sender was sent, as each progress event is heard (the engine saves a checkpoint there).
    let acked = -1;
    const port = {
      send: async (message: TransferMessage) => {
        if (message.t === 'ack') acked = message.next;
      },
    };
    const ackedAtProgress: number[] = [];
    receiver.on('progress', () => ackedAtProgress.push(acked));
    receiver.attach(port);
    receiver.handle({ t: 'hello', id: 'ack-first', size: 8 * chunkSize, chunkSize }, port);
    for (let index = 0; index < 5; index += 1)
      receiver.handle({ t: 'chunk', id: 'ack-first', index, bytes: patternBytes(chunkSize, index) }, port);
    // The hello's ack said 0; the fourth chunk's progress comes after the ack for chunks [0, 4).
    await expect.poll(() => ackedAtProgress.length, { timeout: 30_000 }).toBe(5);
    expect(ackedAtProgress).toEqual([0, 0, 0, 4, 4]);
  });

  it("holds the sender to the receiver's window while the receiver is slow", async () => {
    const file = patternBytes(400_000);
    const source = new MemorySource(file);
    const sink = new MemorySink(file.byteLength);
    const sender = new TransferSender({ id: 'slow', size: file.byteLength, source, window: 8 });
    const receiver = new TransferReceiver({ id: 'slow', size: file.byteLength, sink, window: 4 });
    const windowBytes = 4 * sender.chunkSize;
    let release = () => {};
    const blocked = new Promise<void>((resolve) => (release = resolve));
    sink.beforeWrite = (offset) => (offset === 0 ? blocked : undefined);
    const windowRead = new Promise<void>((resolve) => {
      source.afterRead = () => {
        if (source.bytesRead >= windowBytes) resolve();
      };
    });
    const { sa, sb } = await sessions('slow');
    sb.attach(receiver);
    sa.attach(sender);
    await windowRead;
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
    // The receiver advertised 4 chunks; with the first write stuck, nothing is acked, so nothing more is read.
    expect(source.bytesRead).toBe(windowBytes);
    release();
    await Promise.all([sender.done, receiver.done]);
    expect(same(sink.bytes, file)).toBe(true);
  });

  it('holds the sender to the window again when a restarted receiver starts behind what it had acknowledged', async () => {
    const file = patternBytes(1_000_000, 3);
    const sender = new TransferSender({
      id: 'behind',
      size: file.byteLength,
      source: new MemorySource(file),
      window: 8,
    });
    const firstSink = new MemorySink(file.byteLength);
    const first = await sessions('before-receiver-restart');
    const dropped = whenClosed(first.a);
    firstSink.beforeWrite = (offset) => {
      if (offset === 40 * sender.chunkSize) first.b.close(); // the receiving app quits
    };
    const before = new TransferReceiver({ id: 'behind', size: file.byteLength, sink: firstSink, window: 4 });
    first.sb.attach(before);
    first.sa.attach(sender);
    await dropped;
    before.cancel('app quits');
    expect(sender.ackedChunks).toBeGreaterThan(8);

    // It comes back with nothing kept (a sink that cannot resume), its first write slow: the sender, still
    // running, must send no more than the 4 chunks the new receiver allows, not everything up to its old ack.
    const sink = new MemorySink(file.byteLength);
    let release = () => {};
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const receiver = new TransferReceiver({ id: 'behind', size: file.byteLength, sink, window: 4 });
    const failures: ParleyError[] = [];
    receiver.on('error', (error) => failures.push(error));
    const received = new Promise<void>((resolve) => {
      sink.beforeWrite = (offset) => {
        if (offset === 0) {
          resolve();
          return blocked;
        }
        return undefined;
      };
    });
    const second = await sessions('after-receiver-restart');
    second.sb.attach(receiver);
    second.sa.attach(sender);
    await received;
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
    release();
    await Promise.all([sender.done, receiver.done]);
    expect(failures).toEqual([]);
    expect(same(sink.bytes, file)).toBe(true);
    expect(sender.resumePoints.at(-1)).toBe(0);
  });

  it("completes when the sender's window is smaller than the receiver's ack batch", async () => {
    const file = patternBytes(200_000);
    const sink = new MemorySink(file.byteLength);
    const sender = new TransferSender({
      id: 'narrow',
      size: file.byteLength,
      source: new MemorySource(file),
      window: 2,
    });
    const receiver = new TransferReceiver({
      id: 'narrow',
      size: file.byteLength,
      sink,
      window: 64,
      ackEvery: 16,
    });
    const { sa, sb } = await sessions('narrow');
    sb.attach(receiver);
    sa.attach(sender);
    await Promise.all([sender.done, receiver.done]);
    expect(same(sink.bytes, file)).toBe(true);
  });
});
