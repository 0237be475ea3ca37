import { afterEach, describe, expect, it } from 'vitest';
import { ParleyError, isParleyError } from '../errors/index.js';
import type { DataLink } from '../link/data-link.js';
import { LinkChannel } from '../link/framed-link.js';
import { closeAll, whenClosed } from '../link/testing/link-pair.js';
import { TransferReceiver } from './receiver.js';
import { TransferSender } from './sender.js';
import { linkSessions } from './testing/link-sessions.js';
import { MemorySink, MemorySource, patternBytes } from './testing/memory-file.js';
import type { TransferMessage } from './protocol.js';
import type { TransferProgress } from './types.js';

const links: DataLink[] = [];
afterEach(async () => {
  await closeAll(...links.splice(0));
});

/** A fresh link between the two devices, with a transfer session on each end. */
const sessions = (linkId: string) => linkSessions(linkId, links);

function same(left: Uint8Array, right: Uint8Array): boolean {
  return left.byteLength === right.byteLength && left.every((byte, i) => byte === right[i]);
}

function recordProgress(endpoint: TransferSender | TransferReceiver): TransferProgress[] {
  const seen: TransferProgress[] = [];
  endpoint.on('progress', (progress) => seen.push(progress));
  return seen;
}

const isClosedError = (error: unknown) => isParleyError(error, 'CLOSED');

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
