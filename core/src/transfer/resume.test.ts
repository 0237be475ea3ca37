import { afterEach, describe, expect, it } from 'vitest';
import { whenClosed } from '../link/testing/link-pair.js';
import { TransferReceiver } from './receiver.js';
import { TransferSender } from './sender.js';
import { same } from './testing/checks.js';
import { sessionPool } from './testing/link-sessions.js';
import { MemorySink, MemorySource, patternBytes } from './testing/memory-file.js';

const { sessions, closeSessions } = sessionPool();
afterEach(closeSessions);

describe('file transfer', () => {
  it('resumes on a new link from the last acknowledged chunk after the link drops', async () => {
    const file = patternBytes(2_000_000, 99);
    const source = new MemorySource(file);
    const sink = new MemorySink(file.byteLength);
    const window = 16;
    const sender = new TransferSender({ id: 'resumable', size: file.byteLength, source, window });
    const receiver = new TransferReceiver({ id: 'resumable', size: file.byteLength, sink, window });
    const first = await sessions('first-link');
    const dropAt = 40 * sender.chunkSize;
    const dropped = whenClosed(first.b);
    sink.beforeWrite = (offset) => {
      if (offset === dropAt) first.a.close(); // the link dies mid-transfer
    };
    first.sb.attach(receiver);
    first.sa.attach(sender);
    await dropped;
    sink.beforeWrite = undefined;
    expect(sender.state).toBe('waiting');
    expect(receiver.writtenBytes).toBeLessThan(file.byteLength);

    const second = await sessions('second-link');
    second.sb.attach(receiver);
    second.sa.attach(sender);
    await Promise.all([sender.done, receiver.done]);

    expect(same(sink.bytes, file)).toBe(true);
    const [start, resumedFrom] = sender.resumePoints;
    expect(start).toBe(0);
    expect(resumedFrom).toBeGreaterThan(0);
    expect((resumedFrom ?? 0) * sender.chunkSize).toBeGreaterThanOrEqual(dropAt - window * sender.chunkSize);
    // Only what was in flight when the link died was read (and sent) twice.
    expect(source.bytesRead - file.byteLength).toBeLessThanOrEqual(window * sender.chunkSize);
  });

  it("resumes after both apps restart, from the receiver's persisted checkpoint", async () => {
    const file = patternBytes(700_000, 5);
    const sink = new MemorySink(file.byteLength);
    const before = new TransferReceiver({ id: 'restart', size: file.byteLength, sink, window: 8 });
    const firstSender = new TransferSender({
      id: 'restart',
      size: file.byteLength,
      source: new MemorySource(file),
      window: 8,
    });
    const first = await sessions('before-restart');
    const dropped = whenClosed(first.a);
    sink.beforeWrite = (offset) => {
      if (offset === 12 * firstSender.chunkSize) first.b.close();
    };
    first.sb.attach(before);
    first.sa.attach(firstSender);
    await dropped;
    sink.beforeWrite = undefined;
    before.cancel('app quits'); // writes still queued in the old receiver stop here
    firstSender.cancel('app quits');
    const checkpoint = before.checkpoint;
    if (checkpoint === undefined) throw new Error('the receiver never got a hello');
    expect(checkpoint.chunks).toBeGreaterThan(0);

    // New objects, as after a restart: only the checkpoint and the sink's bytes survive.
    const source = new MemorySource(file);
    const sender = new TransferSender({ id: 'restart', size: file.byteLength, source, window: 8 });
    const receiver = new TransferReceiver({
      id: 'restart',
      size: file.byteLength,
      sink,
      window: 8,
      resume: checkpoint,
    });
    const second = await sessions('after-restart');
    second.sb.attach(receiver);
    second.sa.attach(sender);
    await Promise.all([sender.done, receiver.done]);
    expect(same(sink.bytes, file)).toBe(true);
    expect(sender.resumePoints).toEqual([checkpoint.chunks]);
    expect(source.bytesRead).toBe(file.byteLength - checkpoint.chunks * sender.chunkSize);
  });

  it("waits for the sender's trailer before its final check, and gets it on the next link after a drop", async () => {
    const file = patternBytes(300_000, 7);
    const sink = new MemorySink(file.byteLength);
    let release: (value: string) => void = () => undefined;
    const gate = new Promise<string>((resolve) => {
      release = resolve;
    });
    let asked = 0;
    const sender = new TransferSender({
      id: 'trailing',
      size: file.byteLength,
      source: new MemorySource(file),
      trailer: () => {
        asked += 1;
        return gate;
      },
    });
    const checked: (string | undefined)[] = [];
    const receiver = new TransferReceiver({
      id: 'trailing',
      size: file.byteLength,
      sink,
      trailer: true,
      verify: async (trailer) => {
        checked.push(trailer);
      },
    });
    const first = await sessions('trailer-first');
    first.sb.attach(receiver);
    first.sa.attach(sender);
    while (asked === 0 || receiver.writtenBytes < file.byteLength)
      await new Promise((resolve) => setTimeout(resolve, 5));
    // Every byte is in, but without the trailer the receiver neither checks nor finishes.
    expect(receiver.state).toBe('running');
    expect(checked).toEqual([]);
    const dropped = whenClosed(first.b);
    first.a.close();
    await dropped;
    release('digest-sealed-under-the-key');
    const second = await sessions('trailer-second');
    second.sb.attach(receiver);
    second.sa.attach(sender);
    await Promise.all([sender.done, receiver.done]);
    expect(checked).toEqual(['digest-sealed-under-the-key']);
    expect(asked).toBe(2);
    expect(same(sink.bytes, file)).toBe(true);
  });
});
