import { describe, expect, it } from 'vitest';
import { InMemoryEngineStateStore } from '../shared/state-store.js';
import { INCOMING_FILE_PREFIX, decodeIncomingRecord } from './incoming-record.js';
import { ReceiveCheckpoints, resumableReceiver } from './receive-checkpoints.js';
import type { TransferMessage } from '../../transfer/protocol.js';
import type { FileBody } from './types.js';

const body: FileBody = {
  type: 'file',
  transferId: 'transfer-1',
  name: 'film.mp4',
  mimeType: 'video/mp4',
  size: 200 * 65_552,
  descriptor: { version: 1, key: 'a'.repeat(43), size: 200 * 65_536, chunkSize: 65_536 },
};

describe('receive checkpoints', () => {
  it('builds a checkpoint (a copy of every tag so far) only when it saves one, however often it is asked', async () => {
    const state = new InMemoryEngineStateStore();
    let chunks = 0;
    let built = 0;
    const writer = {
      get chunks() {
        return chunks;
      },
      checkpoint: () => {
        built += 1;
        return { header: new Uint8Array(29), index: chunks, tags: new Uint8Array(chunks * 16) };
      },
    };
    const keep = new ReceiveCheckpoints(
      state,
      'file-in:m1',
      { messageId: 'm1', sender: { name: 'alice', deviceId: 1 }, body },
      (error) => {
        throw error;
      },
    );
    await keep.start();
    // Four transfer chunks per attachment chunk, each offering the checkpoint, up to 128 attachment chunks.
    for (chunks = 0; chunks <= 128; chunks += 1) for (let i = 0; i < 4; i += 1) keep.offer(writer, 16_294);
    // Saved every 32 chunks (2 MiB): 32, 64, 96, 128, and built only for those.
    expect(built).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const record = decodeIncomingRecord(await state.get('file-in:m1'));
    expect(record?.checkpoint?.index).toBe(128);
    expect(record?.transferChunkSize).toBe(16_294);
    await keep.end();
    expect(await state.keys('file-in:')).toEqual([]);
  });

  it('saves a checkpoint only once the sink made the bytes it counts durable', async () => {
    const state = new InMemoryEngineStateStore();
    let chunks = 0;
    const writer = {
      get chunks() {
        return chunks;
      },
      checkpoint: () => ({ header: new Uint8Array(29), index: chunks, tags: new Uint8Array(chunks * 16) }),
    };
    // The sink's flush completes when the test says: until then the checkpoint must not be stored.
    const flushes: Array<() => void> = [];
    const flush = () => new Promise<void>((resolve) => flushes.push(resolve));
    const keep = new ReceiveCheckpoints(
      state,
      'file-in:m2',
      { messageId: 'm2', sender: { name: 'alice', deviceId: 1 }, body },
      (error) => {
        throw error;
      },
      undefined,
      flush,
    );
    await keep.start();
    chunks = 32;
    keep.offer(writer, 16_294);
    await expect.poll(() => flushes.length, { timeout: 30_000 }).toBe(1);
    expect(decodeIncomingRecord(await state.get('file-in:m2'))?.checkpoint).toBeUndefined();
    flushes[0]?.();
    await expect
      .poll(async () => decodeIncomingRecord(await state.get('file-in:m2'))?.checkpoint?.index, {
        timeout: 30_000,
      })
      .toBe(32);
    await keep.end();
  });

  it('saves no checkpoint when the sink could not flush', async () => {
    const state = new InMemoryEngineStateStore();
    const reported: unknown[] = [];
    const writer = {
      chunks: 32,
      checkpoint: () => ({ header: new Uint8Array(29), index: 32, tags: new Uint8Array(32 * 16) }),
    };
    const keep = new ReceiveCheckpoints(
      state,
      'file-in:m3',
      { messageId: 'm3', sender: { name: 'alice', deviceId: 1 }, body },
      (error) => reported.push(error),
      undefined,
      () => Promise.reject(new Error('the disk is full')),
    );
    await keep.start();
    keep.offer(writer, 16_294);
    await expect.poll(() => reported.length, { timeout: 30_000 }).toBe(1);
    expect(decodeIncomingRecord(await state.get('file-in:m3'))?.checkpoint).toBeUndefined();
    await keep.end();
  });

  it('saves no checkpoint for a sink that starts over after a restart: nothing would read it', async () => {
    const saved = new Map<boolean, number | undefined>();
    for (const checkpoints of [true, false]) {
      const state = new InMemoryEngineStateStore();
      // Each transfer chunk written completes an attachment chunk here: 40 of them pass the 2 MiB step.
      const writer = {
        chunks: 0,
        checkpoint: () => ({
          header: new Uint8Array(29),
          index: writer.chunks,
          tags: new Uint8Array(writer.chunks * 16),
        }),
        write: () => {
          writer.chunks += 1;
          return undefined;
        },
        finish: async () => {},
      };
      const messageId = `m-${checkpoints}`;
      const { receiver, ended } = await resumableReceiver({
        state,
        file: { messageId, sender: { name: 'alice', deviceId: 1 }, body },
        writer,
        trailing: false,
        attachmentChunkSize: 65_536,
        report: (error) => {
          throw error;
        },
        checkpoints,
      });
      const port = { send: async () => {} };
      receiver.attach(port);
      receiver.handle({ t: 'hello', id: body.transferId, size: body.size, chunkSize: 16_294 }, port);
      for (let index = 0; index < 40; index += 1)
        receiver.handle({ t: 'chunk', id: body.transferId, index, bytes: new Uint8Array(16_294) }, port);
      await new Promise((resolve) => setTimeout(resolve, 0));
      const record = decodeIncomingRecord(await state.get(`${INCOMING_FILE_PREFIX}${messageId}`));
      expect(record?.messageId).toBe(messageId); // the record itself is kept either way
      saved.set(checkpoints, record?.checkpoint?.index);
      receiver.cancel();
      await ended();
    }
    expect(saved.get(true)).toBe(32);
    expect(saved.get(false)).toBeUndefined();
  });

  it('offers the sender the whole window even when the writer holds batches of its own', async () => {
    // A decrypting worker's writer holds up to 20 attachment chunks (80 transfer chunks) taken but not yet
    // in the sink; acks count only the sink, so that must not come off the window the link gets.
    const writer = {
      chunks: 0,
      capacity: 5 * 4 * 65_552,
      checkpoint: () => undefined,
      write: () => undefined,
      finish: async () => {},
    };
    const { receiver, ended } = await resumableReceiver({
      state: new InMemoryEngineStateStore(),
      file: { messageId: 'm4', sender: { name: 'alice', deviceId: 1 }, body },
      writer,
      trailing: false,
      attachmentChunkSize: 65_536,
      report: (error) => {
        throw error;
      },
    });
    const sent: TransferMessage[] = [];
    const port = {
      send: async (message: TransferMessage) => {
        sent.push(message);
      },
    };
    receiver.attach(port);
    receiver.handle(
      { t: 'hello', id: body.transferId, size: body.size, chunkSize: 16_294, window: 256 },
      port,
    );
    expect(sent).toEqual([{ t: 'ack', id: body.transferId, next: 0, window: 256 }]);
    receiver.cancel();
    await ended();
  });
});
