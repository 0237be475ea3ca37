import { afterEach, describe, expect, it } from 'vitest';
import { LinkChannel, type FramedLink } from '../link/framed-link.js';
import { EARLY_BYTES_PER_LINK } from './early-chunks.js';
import {
  CHUNK_TAG,
  DEFAULT_CHUNK_BYTES,
  decodeTransferMessage,
  encodeTransferMessageParts,
  type TransferMessage,
} from './protocol.js';
import { TransferReceiver } from './receiver.js';
import { TransferSender } from './sender.js';
import { TransferSession } from './session.js';
import { same, until } from './testing/checks.js';
import { sessionPool } from './testing/link-sessions.js';
import { MemorySink, MemorySource, patternBytes } from './testing/memory-file.js';

const { sessions, closeSessions } = sessionPool();
afterEach(closeSessions);

/** The link as a session of a version without `eager` sees it: those messages never reach it. */
function withoutEager(link: FramedLink): FramedLink {
  const isEager = (payload: Uint8Array) => {
    try {
      return decodeTransferMessage(payload).t === 'eager';
    } catch {
      return false;
    }
  };
  return new Proxy(link, {
    get(target, key) {
      if (key === 'on')
        return (event: string, listener: (message: { channel: number; payload: Uint8Array }) => void) =>
          target.on(event as 'message', (message) => {
            if (event === 'message' && message.channel === LinkChannel.transfer && isEager(message.payload))
              return;
            listener(message);
          });
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Counts the chunks of each transfer that reach `link`'s far end, resent ones included. */
function countChunks(link: FramedLink): Map<string, number> {
  const counts = new Map<string, number>();
  link.on('message', ({ channel, payload }) => {
    if (channel !== LinkChannel.transfer || payload[0] !== CHUNK_TAG) return;
    const id = new TextDecoder().decode(payload.subarray(2, 2 + (payload[1] ?? 0)));
    counts.set(id, (counts.get(id) ?? 0) + 1);
  });
  return counts;
}

function send(link: FramedLink, message: TransferMessage): Promise<void> {
  return link.send(LinkChannel.transfer, encodeTransferMessageParts(message));
}

describe('eager start: a new file streams behind its hello before the first ack', () => {
  it('holds the burst until the receiver attaches, then goes on without sending a chunk twice', async () => {
    const file = patternBytes(40 * DEFAULT_CHUNK_BYTES + 123);
    const sink = new MemorySink(file.byteLength);
    const sender = new TransferSender({
      id: 'eager',
      size: file.byteLength,
      source: new MemorySource(file),
      eager: 16,
    });
    const { fb, sa, sb } = await sessions('eager');
    const arrived = countChunks(fb);
    sa.attach(sender);
    // The receiver is still opening the message that announces the file: the burst waits for it.
    await until(() => sb.heldBytes === 16 * DEFAULT_CHUNK_BYTES, 'the burst to be held');
    expect(arrived.get('eager')).toBe(16);
    sb.attach(new TransferReceiver({ id: 'eager', size: file.byteLength, sink }));
    await sender.done;

    expect(same(sink.bytes, file)).toBe(true);
    expect(arrived.get('eager')).toBe(41);
    expect(sender.resumePoints).toEqual([0]);
    expect(sb.heldBytes).toBe(0);
  });

  it('sends the burst only once the announcing message is on the link (eagerAfter)', async () => {
    const file = patternBytes(20 * DEFAULT_CHUNK_BYTES);
    let announce!: () => void;
    const announced = new Promise<void>((resolve) => (announce = resolve));
    const sender = new TransferSender({
      id: 'gated',
      size: file.byteLength,
      source: new MemorySource(file),
      eager: 8,
      eagerAfter: announced,
    });
    const { fa, fb, sa, sb } = await sessions('eager-gated');
    const arrived = countChunks(fb);
    const marker = new Promise<void>((resolve) =>
      fb.on('message', ({ channel }) => channel === LinkChannel.message && resolve()),
    );
    sa.attach(sender);
    // An ungated burst is on the link within microtasks (a memory source, a link with room for it): after a
    // macrotask, a marker sent on the same ordered link arrives behind any chunk of it.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await fa.send(LinkChannel.message, Uint8Array.of(1));
    await marker;
    expect(sb.unclaimedHellos().map((hello) => hello.id)).toEqual(['gated']);
    expect(arrived.get('gated')).toBeUndefined();
    announce();
    await until(() => sb.heldBytes === 8 * DEFAULT_CHUNK_BYTES, 'the burst');
    const sink = new MemorySink(file.byteLength);
    sb.attach(new TransferReceiver({ id: 'gated', size: file.byteLength, sink }));
    await sender.done;
    expect(same(sink.bytes, file)).toBe(true);
    expect(arrived.get('gated')).toBe(20);
  });

  it('holds the trailer of a file the burst carried whole, so a receiver that attaches later finishes it', async () => {
    const file = patternBytes(3 * DEFAULT_CHUNK_BYTES + 17);
    const sink = new MemorySink(file.byteLength);
    const sender = new TransferSender({
      id: 'small',
      size: file.byteLength,
      source: new MemorySource(file),
      eager: 64,
      trailer: () => 'the-digest',
    });
    const { fb, sa, sb } = await sessions('eager-small');
    let trailerSeen = false;
    fb.on('message', ({ channel, payload }) => {
      if (channel !== LinkChannel.transfer || payload[0] === CHUNK_TAG) return;
      if (decodeTransferMessage(payload).t === 'trailer') trailerSeen = true;
    });
    sa.attach(sender);
    await until(() => trailerSeen, 'the trailer');
    let verified: string | undefined;
    const receiver = new TransferReceiver({
      id: 'small',
      size: file.byteLength,
      sink,
      trailer: true,
      verify: async (trailer) => {
        verified = trailer;
      },
    });
    sb.attach(receiver);
    await Promise.all([sender.done, receiver.done]);
    expect(same(sink.bytes, file)).toBe(true);
    expect(verified).toBe('the-digest');
  });

  it('takes the burst live when the receiver attached before the hello came', async () => {
    const file = patternBytes(10 * DEFAULT_CHUNK_BYTES);
    const sink = new MemorySink(file.byteLength);
    const { fb, sa, sb } = await sessions('eager-live');
    const arrived = countChunks(fb);
    const receiver = new TransferReceiver({ id: 'live', size: file.byteLength, sink });
    sb.attach(receiver);
    const sender = new TransferSender({
      id: 'live',
      size: file.byteLength,
      source: new MemorySource(file),
      eager: 64,
    });
    sa.attach(sender);
    await Promise.all([sender.done, receiver.done]);
    expect(same(sink.bytes, file)).toBe(true);
    expect(arrived.get('live')).toBe(10);
  });

  it('starts again from the ack when the receiver had no room for the burst', async () => {
    const { fb, sa, sb } = await sessions('eager-full');
    const arrived = countChunks(fb);
    // Three bursts of 1 MiB on one link: the budget holds two, the third is refused and sent again.
    const files = ['f1', 'f2', 'f3'].map((id, seed) => {
      const file = patternBytes(80 * DEFAULT_CHUNK_BYTES, seed);
      const sender = new TransferSender({
        id,
        size: file.byteLength,
        source: new MemorySource(file),
        eager: 64,
      });
      return { id, file, sender, sink: new MemorySink(file.byteLength) };
    });
    for (const { sender } of files) sa.attach(sender);
    await until(() => [...arrived.values()].reduce((sum, n) => sum + n, 0) === 3 * 64, 'three bursts');
    expect(sb.heldBytes).toBeLessThanOrEqual(EARLY_BYTES_PER_LINK);
    for (const { id, file, sink } of files)
      sb.attach(new TransferReceiver({ id, size: file.byteLength, sink }));
    await Promise.all(files.map(({ sender }) => sender.done));

    for (const { file, sink } of files) expect(same(sink.bytes, file)).toBe(true);
    const resent = files.filter(({ id }) => (arrived.get(id) ?? 0) > 80);
    expect(resent.map(({ id }) => id)).toEqual(['f3']);
    expect(files.map(({ sender }) => sender.resumePoints)).toEqual([[0], [0], [0, 0]]);
    expect(sb.heldBytes).toBe(0);
  });

  it('works with a receiver that predates eager: it drops the announcement, and the sender starts over', async () => {
    const { fb, sa } = await sessions('eager-older');
    // A receiving session as an older version has it: the `eager` message does not decode there, and is
    // dropped like any message it does not know.
    const older = new TransferSession(withoutEager(fb));
    const arrived = countChunks(fb);
    const files = ['before', 'after'].map((id, seed) => {
      const file = patternBytes(30 * DEFAULT_CHUNK_BYTES + 5, seed);
      const sender = new TransferSender({
        id,
        size: file.byteLength,
        source: new MemorySource(file),
        eager: 16,
      });
      return { id, file, sender, sink: new MemorySink(file.byteLength) };
    });
    const [early, late] = files;
    if (early === undefined || late === undefined) throw new Error('two files');
    // One receiver attached before its hello came (it takes the burst live, then the resend from chunk 0),
    // one after its burst went by (dropped: nobody attached, nothing held).
    older.attach(new TransferReceiver({ id: early.id, size: early.file.byteLength, sink: early.sink }));
    sa.attach(early.sender);
    sa.attach(late.sender);
    await until(() => (arrived.get(late.id) ?? 0) === 16, 'the second burst');
    older.attach(new TransferReceiver({ id: late.id, size: late.file.byteLength, sink: late.sink }));
    await Promise.all(files.map(({ sender }) => sender.done));

    for (const { file, sink } of files) expect(same(sink.bytes, file)).toBe(true);
    expect(files.map(({ sender }) => sender.resumePoints)).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(arrived.get(late.id)).toBe(16 + 31);
    // A file the burst carried whole, trailer and all, before the older receiver attached: the trailer was
    // dropped with it, so the sender sends it again behind the chunks it sends again.
    const tiny = patternBytes(2 * DEFAULT_CHUNK_BYTES, 9);
    const tinySink = new MemorySink(tiny.byteLength);
    const tinySender = new TransferSender({
      id: 'tiny',
      size: tiny.byteLength,
      source: new MemorySource(tiny),
      eager: 16,
      trailer: () => 'tiny-digest',
    });
    sa.attach(tinySender);
    await until(() => (arrived.get('tiny') ?? 0) === 2, 'the tiny burst');
    let verified: string | undefined;
    const tinyReceiver = new TransferReceiver({
      id: 'tiny',
      size: tiny.byteLength,
      sink: tinySink,
      trailer: true,
      verify: async (trailer) => {
        verified = trailer;
      },
    });
    older.attach(tinyReceiver);
    await Promise.all([tinySender.done, tinyReceiver.done]);
    expect(same(tinySink.bytes, tiny)).toBe(true);
    expect(verified).toBe('tiny-digest');
    older.close();
  });

  it('holds no more than its budget when a peer floods chunks for files it never announced', async () => {
    const { fa, fb, sa, sb } = await sessions('eager-flood');
    let peak = 0;
    let seen = 0;
    // Registered after the session's own listener: reads what the session holds once it took each frame.
    fb.on('message', ({ channel }) => {
      if (channel !== LinkChannel.transfer) return;
      seen += 1;
      peak = Math.max(peak, sb.heldBytes);
    });
    const bytes = patternBytes(DEFAULT_CHUNK_BYTES);
    const chunkSize = DEFAULT_CHUNK_BYTES;
    // Eight "files" of 4 MiB each, all eager, none announced by a message: 32 MiB at the receiver's door.
    for (let file = 0; file < 8; file += 1) {
      const id = `flood-${file}`;
      await send(fa, { t: 'eager', id, chunks: 256 });
      await send(fa, { t: 'hello', id, size: 256 * chunkSize, chunkSize });
      for (let index = 0; index < 256; index += 1) await send(fa, { t: 'chunk', id, index, bytes });
    }
    // Chunks nobody announced with an eager hello, and chunks out of order, are not held either.
    await send(fa, { t: 'chunk', id: 'no-hello', index: 0, bytes });
    await send(fa, { t: 'eager', id: 'gap', chunks: 10 });
    await send(fa, { t: 'hello', id: 'gap', size: 10 * chunkSize, chunkSize });
    await send(fa, { t: 'chunk', id: 'gap', index: 3, bytes });
    await until(() => seen === 8 * 258 + 4, 'the flood');

    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(EARLY_BYTES_PER_LINK);
    expect(sb.heldBytes).toBe(0);
    // A real file on the same link still goes through.
    const file = patternBytes(100_000, 3);
    const sink = new MemorySink(file.byteLength);
    const sender = new TransferSender({
      id: 'real',
      size: file.byteLength,
      source: new MemorySource(file),
      eager: 64,
    });
    sa.attach(sender);
    await until(() => sb.unclaimedHellos().some((hello) => hello.id === 'real'), 'its hello');
    sb.attach(new TransferReceiver({ id: 'real', size: file.byteLength, sink }));
    await sender.done;
    expect(same(sink.bytes, file)).toBe(true);
  });
});
