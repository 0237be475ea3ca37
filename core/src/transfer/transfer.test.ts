import { afterEach, describe, expect, it } from 'vitest';
import { ParleyError } from '../errors/index.js';
import { LinkChannel } from '../link/framed-link.js';
import { TransferReceiver } from './receiver.js';
import { TransferSender } from './sender.js';
import { isClosedError, recordProgress, same } from './testing/checks.js';
import { sessionPool } from './testing/link-sessions.js';
import { MemorySink, MemorySource, patternBytes } from './testing/memory-file.js';

const { sessions, closeSessions } = sessionPool();
afterEach(closeSessions);

// Resuming after a drop or a restart: resume.test.ts; acks and windows: flow-control.test.ts.

describe('file transfer', () => {
  it('sends a file in chunks with progress on both sides and a final hash check', async () => {
    const file = patternBytes(1_500_000);
    const source = new MemorySource(file);
    const sink = new MemorySink(file.byteLength);
    let verified = 0;
    const sender = new TransferSender({ id: 'f1', size: file.byteLength, source });
    const receiver = new TransferReceiver({
      id: 'f1',
      size: file.byteLength,
      sink,
      verify: async () => {
        verified += 1;
        expect(same(sink.bytes, file)).toBe(true);
      },
    });
    const sentProgress = recordProgress(sender);
    const receivedProgress = recordProgress(receiver);
    const { sa, sb } = await sessions('t1');
    sb.attach(receiver);
    sa.attach(sender);
    await Promise.all([sender.done, receiver.done]);

    expect(same(sink.bytes, file)).toBe(true);
    expect(verified).toBe(1);
    expect(source.bytesRead).toBe(file.byteLength);
    expect(sender.state).toBe('complete');
    expect(receiver.state).toBe('complete');
    for (const seen of [sentProgress, receivedProgress]) {
      expect(seen.at(-1)).toEqual({ bytes: file.byteLength, total: file.byteLength });
      expect(seen.every((entry, i) => i === 0 || entry.bytes > (seen[i - 1]?.bytes ?? 0))).toBe(true);
    }
  });

  it('takes a sink whose writes finish at once (no promise), in order, with progress and the final check', async () => {
    const file = patternBytes(700_000, 5);
    const bytes = new Uint8Array(file.byteLength);
    const offsets: number[] = [];
    const sink = {
      write(offset: number, piece: Uint8Array): undefined {
        offsets.push(offset);
        bytes.set(piece, offset);
        return undefined;
      },
    };
    const sender = new TransferSender({
      id: 'sync-sink',
      size: file.byteLength,
      source: new MemorySource(file),
    });
    let verified = false;
    const receiver = new TransferReceiver({
      id: 'sync-sink',
      size: file.byteLength,
      sink,
      verify: async () => {
        verified = same(bytes, file);
      },
    });
    const progress = recordProgress(receiver);
    const { sa, sb } = await sessions('sync');
    sb.attach(receiver);
    sa.attach(sender);
    await Promise.all([sender.done, receiver.done]);
    expect(verified).toBe(true);
    expect(offsets).toEqual(offsets.slice().sort((x, y) => x - y));
    expect(offsets).toHaveLength(sender.totalChunks);
    expect(progress.at(-1)).toEqual({ bytes: file.byteLength, total: file.byteLength });
  });

  it('lets the sender cancel, and the receiver hears it', async () => {
    const file = patternBytes(600_000);
    const sink = new MemorySink(file.byteLength);
    // A small window, so the sender cannot have sent the whole file before it cancels at chunk 5.
    const sender = new TransferSender({
      id: 'c1',
      size: file.byteLength,
      source: new MemorySource(file),
      window: 4,
    });
    const receiver = new TransferReceiver({ id: 'c1', size: file.byteLength, sink, window: 4 });
    const heard = new Promise((resolve) => receiver.once('cancel', resolve));
    sink.beforeWrite = (offset) => {
      if (offset === 5 * sender.chunkSize) sender.cancel('user changed their mind');
    };
    const { sa, sb } = await sessions('c1');
    sb.attach(receiver);
    sa.attach(sender);
    expect(await heard).toEqual({ by: 'remote', reason: 'user changed their mind' });
    await expect(sender.done).rejects.toSatisfy(isClosedError);
    await expect(receiver.done).rejects.toSatisfy(isClosedError);
    expect(receiver.state).toBe('cancelled');
    expect(receiver.writtenBytes).toBeLessThan(file.byteLength);
    sender.cancel();
  });

  it('lets the receiver cancel, and the sender stops', async () => {
    const file = patternBytes(600_000);
    const sink = new MemorySink(file.byteLength);
    const source = new MemorySource(file);
    const sender = new TransferSender({ id: 'c2', size: file.byteLength, source, window: 8 });
    const receiver = new TransferReceiver({ id: 'c2', size: file.byteLength, sink, window: 8 });
    const heard = new Promise((resolve) => sender.once('cancel', resolve));
    sink.beforeWrite = (offset) => {
      if (offset === 3 * sender.chunkSize) receiver.cancel('no space left');
    };
    const { sa, sb } = await sessions('c2');
    sb.attach(receiver);
    sa.attach(sender);
    expect(await heard).toEqual({ by: 'remote', reason: 'no space left' });
    await expect(sender.done).rejects.toSatisfy(isClosedError);
    expect(source.bytesRead).toBeLessThan(file.byteLength);
  });

  it('fails both ends when the final hash check fails', async () => {
    const file = patternBytes(50_000);
    const sender = new TransferSender({ id: 'h1', size: file.byteLength, source: new MemorySource(file) });
    const receiver = new TransferReceiver({
      id: 'h1',
      size: file.byteLength,
      sink: new MemorySink(file.byteLength),
      verify: async () => {
        throw new ParleyError('DECRYPT_FAILED', 'digest mismatch');
      },
    });
    const { sa, sb } = await sessions('h1');
    sb.attach(receiver);
    sa.attach(sender);
    await expect(receiver.done).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    await expect(sender.done).rejects.toMatchObject({ code: 'DECRYPT_FAILED', message: /digest mismatch/ });
  });

  it('refuses a sender offering another size than was announced', async () => {
    const file = patternBytes(1000);
    const sender = new TransferSender({ id: 's1', size: 1000, source: new MemorySource(file) });
    const receiver = new TransferReceiver({ id: 's1', size: 999, sink: new MemorySink(1000) });
    const { sa, sb } = await sessions('s1');
    sb.attach(receiver);
    sa.attach(sender);
    await expect(receiver.done).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /1000 bytes, 999/ });
    await expect(sender.done).rejects.toSatisfy(isClosedError);
  });

  it('drops malformed transfer messages from the peer and carries on', async () => {
    const file = patternBytes(100_000);
    const sink = new MemorySink(file.byteLength);
    const sender = new TransferSender({ id: 'm1', size: file.byteLength, source: new MemorySource(file) });
    const receiver = new TransferReceiver({ id: 'm1', size: file.byteLength, sink });
    const { fa, sa, sb } = await sessions('m1');
    const rejected = new Promise<ParleyError>((resolve) => sb.once('protocol-error', resolve));
    await fa.send(LinkChannel.transfer, Uint8Array.of(0x01, 0x7b));
    expect(await rejected).toMatchObject({ code: 'BAD_REQUEST', message: /not UTF-8 JSON/ });
    sb.attach(receiver);
    sa.attach(sender);
    await Promise.all([sender.done, receiver.done]);
    expect(same(sink.bytes, file)).toBe(true);
  });

  it('tells the engine about an incoming transfer nobody attached yet, then runs it once attached', async () => {
    const file = patternBytes(40_000);
    const sink = new MemorySink(file.byteLength);
    const sender = new TransferSender({ id: 'late', size: file.byteLength, source: new MemorySource(file) });
    const { sa, sb } = await sessions('late');
    const announced = new Promise<{ id: string }>((resolve) => sb.once('unknown-transfer', resolve));
    sa.attach(sender);
    expect((await announced).id).toBe('late');
    sb.attach(new TransferReceiver({ id: 'late', size: file.byteLength, sink }));
    await sender.done;
    expect(same(sink.bytes, file)).toBe(true);
  });

  it('completes an empty file', async () => {
    const sender = new TransferSender({ id: 'empty', size: 0, source: new MemorySource(new Uint8Array(0)) });
    const receiver = new TransferReceiver({ id: 'empty', size: 0, sink: new MemorySink(0) });
    const { sa, sb } = await sessions('empty');
    sb.attach(receiver);
    sa.attach(sender);
    await Promise.all([sender.done, receiver.done]);
  });

  it('detaches its transfers when the link closes, and refuses new ones', async () => {
    const { a, sa } = await sessions('closing');
    const sender = new TransferSender({ id: 'x', size: 10, source: new MemorySource(new Uint8Array(10)) });
    sa.attach(sender);
    expect(sa.size).toBe(1);
    const closed = new Promise((resolve) => sa.once('close', resolve));
    a.close();
    await closed;
    expect(sa.size).toBe(0);
    expect(() => sa.attach(sender)).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    sender.cancel();
  });
});
