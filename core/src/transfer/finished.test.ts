import { afterEach, describe, expect, it } from 'vitest';
import { ParleyError } from '../errors/index.js';
import { FinishedTransfer } from './finished.js';
import type { TransferMessage } from './protocol.js';
import { TransferReceiver } from './receiver.js';
import { TransferSender } from './sender.js';
import { same } from './testing/checks.js';
import { sessionPool } from './testing/link-sessions.js';
import { MemorySink, MemorySource, patternBytes } from './testing/memory-file.js';

const { sessions, closeSessions } = sessionPool();
afterEach(closeSessions);

// The end of a transfer: the receiver keeps the file (its `commit`) before it tells the sender `done`, and a
// sender that never heard it is answered by a FinishedTransfer after the receiving app restarted.

/** A promise and the functions that settle it. */
function gate(): { promise: Promise<void>; open: () => void; refuse: (error: unknown) => void } {
  let open!: () => void; // assigned by the Promise executor, which runs synchronously
  let refuse!: (error: unknown) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    refuse = reject;
  });
  return { promise, open, refuse };
}

describe('the end of a transfer', () => {
  it('tells the sender done only once the receiver kept the file', async () => {
    const file = patternBytes(300_000);
    const sink = new MemorySink(file.byteLength);
    const kept = gate();
    const committing = gate();
    const sender = new TransferSender({ id: 'keep', size: file.byteLength, source: new MemorySource(file) });
    const receiver = new TransferReceiver({
      id: 'keep',
      size: file.byteLength,
      sink,
      commit: async () => {
        committing.open();
        await kept.promise;
      },
    });
    const { sa, sb } = await sessions('keep');
    sb.attach(receiver);
    sa.attach(sender);
    await committing.promise;
    // Every byte is written and checked; the sender has heard nothing of it yet.
    expect(same(sink.bytes, file)).toBe(true);
    expect(sender.state).not.toBe('complete');
    kept.open();
    await Promise.all([sender.done, receiver.done]);
    expect(sender.state).toBe('complete');
  });

  it('tells the sender nothing when its app closes while keeping the file, so the next start finishes it', async () => {
    const file = patternBytes(200_000);
    const sink = new MemorySink(file.byteLength);
    const source = new MemorySource(file);
    const sender = new TransferSender({ id: 'closing', size: file.byteLength, source });
    const before = new TransferReceiver({
      id: 'closing',
      size: file.byteLength,
      sink,
      commit: () => Promise.reject(new ParleyError('CLOSED', 'the app is closing')),
    });
    const first = await sessions('closing-1');
    first.sb.attach(before);
    first.sa.attach(sender);
    await expect(before.done).rejects.toMatchObject({ code: 'CLOSED' });
    const closed = new Promise((resolve) => first.sa.once('close', resolve));
    first.b.close();
    await closed;
    // Neither done nor cancel reached it: it waits for the receiver to come back.
    expect(sender.state).toBe('waiting');

    // The receiving app's next start: everything is in its sink, and this time the file is kept.
    const chunks = Math.ceil(file.byteLength / sender.chunkSize);
    const after = new TransferReceiver({
      id: 'closing',
      size: file.byteLength,
      sink,
      resume: { chunkSize: sender.chunkSize, chunks },
      commit: async () => undefined,
    });
    const second = await sessions('closing-2');
    second.sb.attach(after);
    second.sa.attach(sender);
    await Promise.all([sender.done, after.done]);
    expect(source.bytesRead).toBe(file.byteLength);
  });

  it('fails the file at both ends, saying why, when the receiver cannot keep it', async () => {
    const file = patternBytes(100_000);
    const sender = new TransferSender({ id: 'full', size: file.byteLength, source: new MemorySource(file) });
    const receiver = new TransferReceiver({
      id: 'full',
      size: file.byteLength,
      sink: new MemorySink(file.byteLength),
      commit: () => Promise.reject(new ParleyError('UNAVAILABLE', 'the disk is full')),
    });
    const { sa, sb } = await sessions('full');
    sb.attach(receiver);
    sa.attach(sender);
    await expect(receiver.done).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(sender.done).rejects.toMatchObject({
      message: /receiver rejected the file: the disk is full/,
    });
  });

  it('ends a resumed sender of a transfer finished in an earlier run without sending a chunk again', async () => {
    const file = patternBytes(500_000);
    const source = new MemorySource(file);
    // The sending app started again, still holding the transfer: the receiver that finished it is gone.
    const sender = new TransferSender({ id: 'kept-before', size: file.byteLength, source });
    const { sa, sb } = await sessions('kept-before');
    const announced = new Promise((resolve) => sb.once('unknown-transfer', resolve));
    sa.attach(sender);
    await announced;
    const finished = new FinishedTransfer('kept-before', file.byteLength);
    sb.attach(finished);
    sb.detach(finished);
    await sender.done;
    expect(sender.state).toBe('complete');
    expect(source.bytesRead).toBe(0);
  });

  it('answers only a hello of the size it finished', () => {
    const sent: TransferMessage[] = [];
    const port = { send: async (message: TransferMessage) => void sent.push(message) };
    const finished = new FinishedTransfer('sized', 1_000);
    finished.handle({ t: 'hello', id: 'sized', size: 999, chunkSize: 100 }, port);
    finished.handle({ t: 'ack', id: 'sized', next: 10 }, port);
    expect(sent).toEqual([]);
    finished.handle({ t: 'hello', id: 'sized', size: 1_000, chunkSize: 300 }, port);
    expect(sent).toEqual([
      { t: 'ack', id: 'sized', next: 4 },
      { t: 'done', id: 'sized', ok: true },
    ]);
  });
});
