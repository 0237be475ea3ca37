import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryEngineStateStore, type KeyWrapper } from '@parley/core';
import { openFileSource, reopenFileSource } from '@parley/core/files/node';
import { collect, next, pattern, scenario, startAll, type TestDevice } from './support/harness.js';

// A direct transfer starts as soon as its message is stored, without waiting for writes it does not need
// (the receiver's file record and the message's other effects), and a restart at any point of its set-up
// resumes it or leaves nothing behind: the sender keeps its resume record before the message exists.

/** Engine state in memory, whose writes of keys starting with `holding` wait for `release()`, or fail. */
class HeldStateStore extends InMemoryEngineStateStore {
  holding: string | undefined;
  failing: string | undefined;
  /** Keys whose write finished. */
  readonly written = new Set<string>();
  readonly #waiting: Array<() => void> = [];

  override async put(key: string, value: unknown): Promise<void> {
    if (this.failing !== undefined && key.startsWith(this.failing)) throw new Error('the disk is full');
    if (this.holding !== undefined && key.startsWith(this.holding))
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    await super.put(key, value);
    this.written.add(key);
  }

  release(): void {
    this.holding = undefined;
    for (const resume of this.#waiting.splice(0)) resume();
  }
}

/**
 * The database's key, whose seals (every write of sessions, messages' keys, engine state) wait for
 * `release()` while `holding`, or fail while `failing`: what the store writes stops there, reads go on.
 */
class HeldKeyWrapper implements KeyWrapper {
  holding = false;
  failing = false;
  readonly #waiting: Array<() => void> = [];

  constructor(private readonly key: KeyWrapper) {}

  async wrap(plain: Uint8Array): Promise<Uint8Array> {
    if (this.failing) throw new Error('the disk is full');
    if (this.holding) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    return this.key.wrap(plain);
  }

  unwrap(wrapped: Uint8Array): Promise<Uint8Array> {
    return this.key.unwrap(wrapped);
  }

  release(): void {
    this.holding = false;
    for (const resume of this.#waiting.splice(0)) resume();
  }
}

const s = scenario();
let dir = '';
beforeEach(async () => {
  await s.setup();
  dir = await mkdtemp(join(tmpdir(), 'parley-set-up-'));
});
afterEach(async () => {
  await s.teardown();
  await rm(dir, { recursive: true, force: true });
});

const SIZE = 2 * 1024 * 1024 + 333;

/** Alice, and Bob whose database key holds or fails his writes, past their first messages. */
async function withHeldReceiver(): Promise<{
  alice: TestDevice;
  bob: TestDevice;
  wrapper: HeldKeyWrapper;
  conversation: string;
}> {
  let held: HeldKeyWrapper | undefined;
  const alice = s.device('alice');
  const bob = s.device('bob', { keyWrapper: (key) => (held = new HeldKeyWrapper(key)) });
  await startAll(alice, bob);
  await warmUp(alice, bob);
  if (held === undefined) throw new Error('the harness did not take the key wrapper');
  return { alice, bob, wrapper: held, conversation: alice.c.conversations.direct(bob.c.account) };
}

/**
 * A first message each way over the direct link, each confirmed delivered, so sessions, links and device
 * lists are in place and no receipt is still on its way (one would queue the file's message behind it).
 */
async function warmUp(alice: TestDevice, bob: TestDevice): Promise<void> {
  for (const [from, to] of [
    [alice, bob],
    [bob, alice],
  ] as const) {
    const text = `hello from ${from.name}`;
    const arrived = next(to.c, 'message', ({ message }) => message.text === text);
    const delivered = next(from.c, 'message-state', ({ state }) => state === 'delivered');
    await from.c.messages.send(from.c.conversations.direct(to.c.account), text);
    await arrived;
    await delivered;
  }
}

/** Byte for byte (a deep equality of megabytes takes the test runner seconds). */
function same(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

describe('a direct transfer starting', () => {
  it("takes the file's bytes while its record is being written, and offers the file first", async () => {
    const state = new HeldStateStore();
    const alice = s.device('alice');
    const bob = s.device('bob', { stateStore: state });
    await startAll(alice, bob);
    const bytes = pattern(SIZE);
    const events: string[] = [];
    bob.c.on('file-offered', () => events.push('offered'));
    bob.c.on('file-progress', () => events.push('progress'));
    const arrived = next(bob.c, 'file');
    // The record that draws the file (FileRecords: 'file:<messageId>') waits until released.
    state.holding = 'file:';
    const messageId = await alice.c.files.send(alice.c.conversations.direct(bob.c.account), {
      name: 'atlas.bin',
      mimeType: 'application/octet-stream',
      bytes,
    });
    // Bytes come in while the record is still being written; the file is not offered before it is.
    await expect.poll(() => events.includes('progress'), { timeout: 30_000 }).toBe(true);
    expect(events).not.toContain('offered');
    expect(state.written.has(`file:${messageId}`)).toBe(false);

    state.release();
    const file = await arrived;
    expect(same(file.bytes, bytes)).toBe(true);
    // Offered before it was reported arrived, and recorded as arrived (not left 'transferring').
    expect(events).toContain('offered');
    expect(await bob.c.files.info(messageId)).toMatchObject({ state: 'complete', size: SIZE });
  });

  it('takes the first bytes of a file before the message announcing it is stored', async () => {
    const { alice, bob, wrapper, conversation } = await withHeldReceiver();
    const bytes = pattern(SIZE);
    const events: string[] = [];
    bob.c.on('file-offered', () => events.push('offered'));
    bob.c.on('message', () => events.push('message'));
    bob.c.on('file-progress', () => events.push('progress'));
    const arrived = next(bob.c, 'file');
    // Every database write on the receiver now waits, the message's store among them.
    wrapper.holding = true;
    const messageId = await alice.c.files.send(conversation, {
      name: 'atlas.bin',
      mimeType: 'application/octet-stream',
      bytes,
    });
    await expect.poll(() => events.includes('progress'), { timeout: 30_000 }).toBe(true);
    expect(await bob.c.db.messages.get(messageId)).toBeUndefined();
    expect(events).not.toContain('offered');

    wrapper.release();
    expect(same((await arrived).bytes, bytes)).toBe(true);
    expect(events.filter((event) => event !== 'progress')).toEqual(['offered', 'message']);
    expect(await bob.c.files.info(messageId)).toMatchObject({ state: 'complete', size: SIZE });
  });

  it('fails a file at both ends when the receiver cannot store the message announcing it', async () => {
    const { alice, bob, wrapper, conversation } = await withHeldReceiver();
    const offered = collect(bob.c, 'file-offered');
    const failed = next(alice.c, 'file-failed');
    wrapper.failing = true;
    const messageId = await alice.c.files.send(conversation, {
      name: 'atlas.bin',
      mimeType: 'application/octet-stream',
      bytes: pattern(SIZE),
    });
    // The transfer it had started is stopped, saying why: the sender does not wait for a file nobody keeps.
    expect(await failed).toMatchObject({ messageId, direction: 'send' });
    expect((await failed).reason).toMatch(/could not be recorded/);
    wrapper.failing = false;
    const ping = next(bob.c, 'message', ({ message }) => message.text === 'after the failure');
    await alice.c.messages.send(conversation, 'after the failure');
    await ping;
    expect(offered).toEqual([]);
  });

  it('gets a file whose first bytes came before the receiving app closed while storing its message', async () => {
    const { alice, bob, wrapper, conversation } = await withHeldReceiver();
    const bytes = pattern(SIZE);
    let progressed = false;
    bob.c.on('file-progress', () => (progressed = true));
    wrapper.holding = true;
    const messageId = await alice.c.files.send(conversation, {
      name: 'atlas.bin',
      mimeType: 'application/octet-stream',
      bytes,
    });
    const sent = next(alice.c, 'file-sent', (event) => event.messageId === messageId);
    await expect.poll(() => progressed, { timeout: 30_000 }).toBe(true);
    // The app closes while the message is being stored, and the store fails: the message is not kept.
    const stopping = bob.stop();
    wrapper.failing = true;
    wrapper.release();
    await stopping;

    // Started again, it gets the message again from its sender, and the file with it.
    const again = await bob.start();
    const file = await next(again, 'file', (event) => event.messageId === messageId);
    expect(same(file.bytes, bytes)).toBe(true);
    await sent;
  });

  it('gets a file whose message was stored just before the receiving app closed, before any other write', async () => {
    const { alice, bob, wrapper, conversation } = await withHeldReceiver();
    const bytes = pattern(SIZE);
    // The real store, stopped right after its commit of the message announcing the file: from then on
    // every write of the receiver waits (then fails, as the app closes), whatever the engine writes next.
    const db = bob.c.db;
    const commit = db.commitIncomingBatch.bind(db);
    let stored: (messageId: string) => void = () => undefined;
    const storedFile = new Promise<string>((resolve) => (stored = resolve));
    db.commitIncomingBatch = async (batch) => {
      const results = await commit(batch);
      const file = batch.messages.find((message) => message.attachmentIds !== undefined);
      if (file !== undefined && results[batch.messages.indexOf(file)] === 'inserted') {
        wrapper.holding = true;
        stored(file.id);
      }
      return results;
    };
    void alice.c.files.send(conversation, {
      name: 'atlas.bin',
      mimeType: 'application/octet-stream',
      bytes,
    });
    const messageId = await storedFile;
    const sent = next(alice.c, 'file-sent', (event) => event.messageId === messageId);
    const stopping = bob.stop();
    wrapper.failing = true;
    wrapper.release();
    await stopping;

    // Started again: the message is there, and so is its file, which comes in whole.
    const again = await bob.start();
    const failed = next(again, 'file-failed', (event) => event.messageId === messageId);
    const arrived = next(again, 'file', (event) => event.messageId === messageId);
    expect(await again.db.messages.get(messageId)).toBeDefined();
    expect(await again.files.info(messageId)).toMatchObject({ direction: 'receive', size: SIZE });
    const file = await Promise.race([
      arrived,
      failed.then(({ reason }) => {
        throw new Error(`the file failed: ${reason}`);
      }),
    ]);
    expect(same(file.bytes, bytes)).toBe(true);
    expect(await again.files.info(messageId)).toMatchObject({ state: 'complete' });
    await sent;
  });

  it('stores the message announcing a file only once the record that resumes its transfer is kept', async () => {
    const state = new HeldStateStore();
    const alice = s.device('alice', { stateStore: state });
    const bob = s.device('bob');
    await startAll(alice, bob);
    const bytes = pattern(SIZE);
    const offered = collect(bob.c, 'file-offered');
    const arrived = next(bob.c, 'file');
    const conversation = alice.c.conversations.direct(bob.c.account);
    // The sender's resume record ('file-out:<transferId>') waits until released.
    state.holding = 'file-out:';
    const sending = alice.c.files.send(conversation, {
      name: 'atlas.bin',
      mimeType: 'application/octet-stream',
      bytes,
    });
    // A message written after it leaves first: the file's has not been stored, so it cannot go.
    const ping = next(bob.c, 'message', ({ message }) => message.text === 'ping');
    await alice.c.messages.send(conversation, 'ping');
    await ping;
    expect(offered).toEqual([]);

    state.release();
    const messageId = await sending;
    expect(same((await arrived).bytes, bytes)).toBe(true);
    expect(offered.map((event) => event.messageId)).toEqual([messageId]);
    await expect.poll(() => state.keys('file-out:'), { timeout: 30_000 }).toEqual([]);
  });

  it('forgets, after a restart, the resume record of a file whose message was never stored', async () => {
    const size = 3 * 1024 * 1024 + 99;
    await writeFile(join(dir, 'atlas.bin'), pattern(size));
    const state = new HeldStateStore();
    const alice = s.device('alice', { stateStore: state, reopenFileSource });
    const bob = s.device('bob');
    await startAll(alice, bob);
    const offered = collect(bob.c, 'file-offered');
    const conversation = alice.c.conversations.direct(bob.c.account);
    // The file's record ('file:<messageId>') waits, so its message is never stored; its resume record is kept.
    state.holding = 'file:';
    const source = await openFileSource(join(dir, 'atlas.bin'));
    void alice.c.files.send(conversation, { source }).catch(() => undefined);
    await expect.poll(async () => (await state.keys('file-out:')).length, { timeout: 30_000 }).toBe(1);
    // The app closes there, and starts again: no message announced that transfer, so nobody waits for it.
    await alice.stop();
    await source.close();
    const again = await alice.start();
    await expect.poll(() => state.keys('file-out:'), { timeout: 30_000 }).toEqual([]);
    const ping = next(bob.c, 'message', ({ message }) => message.text === 'after the restart');
    await again.messages.send(conversation, 'after the restart');
    await ping;
    expect(offered).toEqual([]);
  });

  it('sends a file whose message was stored just before the sending app closed, before its transfer began', async () => {
    const size = 3 * 1024 * 1024 + 99;
    const bytes = pattern(size);
    await writeFile(join(dir, 'atlas.bin'), bytes);
    const alice = s.device('alice', { reopenFileSource });
    const bob = s.device('bob');
    await startAll(alice, bob);
    // The real store commits the message and its outbox entry, and the app goes no further: nothing after
    // that commit (the outbox's kick, the transfer's start) runs before it closes.
    const db = alice.c.db;
    const commit = db.commitOutgoing.bind(db);
    let stored: (messageId: string) => void = () => undefined;
    const storedFile = new Promise<string>((resolve) => (stored = resolve));
    db.commitOutgoing = async (outgoing) => {
      const result = await commit(outgoing);
      if (outgoing.message.attachmentIds === undefined) return result;
      stored(outgoing.message.id);
      return new Promise<never>(() => undefined);
    };
    const source = await openFileSource(join(dir, 'atlas.bin'));
    void alice.c.files.send(alice.c.conversations.direct(bob.c.account), { source });
    const messageId = await storedFile;
    const arrived = next(bob.c, 'file', (event) => event.messageId === messageId);
    await alice.stop();
    await source.close();

    // Started again, it sends the message if it had not gone, and the file with it, whole.
    const again = await alice.start();
    const sent = next(again, 'file-sent', (event) => event.messageId === messageId);
    const failed = next(again, 'file-failed', (event) => event.messageId === messageId);
    const file = await Promise.race([
      arrived,
      failed.then(({ reason }) => {
        throw new Error(`the file failed: ${reason}`);
      }),
    ]);
    expect(same(file.bytes, bytes)).toBe(true);
    await sent;
    expect(await again.files.info(messageId)).toMatchObject({ direction: 'send', state: 'complete' });
  });

  it('does not send a file whose resume record cannot be kept, and says why', async () => {
    const state = new HeldStateStore();
    const alice = s.device('alice', { stateStore: state });
    const bob = s.device('bob');
    await startAll(alice, bob);
    const offered = collect(bob.c, 'file-offered');
    const conversation = alice.c.conversations.direct(bob.c.account);
    state.failing = 'file-out:';
    await expect(
      alice.c.files.send(conversation, {
        name: 'atlas.bin',
        mimeType: 'application/octet-stream',
        bytes: pattern(SIZE),
      }),
    ).rejects.toThrow('the disk is full');
    // Its message never left: the receiver does not wait for bytes that will never come.
    const ping = next(bob.c, 'message', ({ message }) => message.text === 'ping');
    await alice.c.messages.send(conversation, 'ping');
    await ping;
    expect(offered).toEqual([]);
    expect(await state.keys('file-out:')).toEqual([]);
  });
});
