import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryEngineStateStore } from '@parley/core';
import { collect, next, pattern, scenario, startAll } from './support/harness.js';

// A direct transfer starts without waiting for writes it does not need (sender: its resume record; receiver:
// the file's record and the message's other effects), but never sends or takes a byte it could lose.

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

const s = scenario();
beforeEach(() => s.setup());
afterEach(() => s.teardown());

const SIZE = 2 * 1024 * 1024 + 333;

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
    expect(file.bytes).toEqual(bytes);
    // Offered before it was reported arrived, and recorded as arrived (not left 'transferring').
    expect(events).toContain('offered');
    expect(await bob.c.files.info(messageId)).toMatchObject({ state: 'complete', size: SIZE });
  });

  it('sends no byte of a file before the record that resumes it after a restart is kept', async () => {
    const state = new HeldStateStore();
    const alice = s.device('alice', { stateStore: state });
    const bob = s.device('bob');
    await startAll(alice, bob);
    const bytes = pattern(SIZE);
    const progress = collect(bob.c, 'file-progress');
    const offered = next(bob.c, 'file-offered');
    const arrived = next(bob.c, 'file');
    const conversation = alice.c.conversations.direct(bob.c.account);
    // The sender's resume record ('file-out:<transferId>') waits until released.
    state.holding = 'file-out:';
    const sending = alice.c.files.send(conversation, {
      name: 'atlas.bin',
      mimeType: 'application/octet-stream',
      bytes,
    });
    // The message went, and the receiver is ready; a message sent after it arrives over the same link...
    const { messageId } = await offered;
    const ping = next(bob.c, 'message', ({ message }) => message.text === 'ping');
    await alice.c.messages.send(conversation, 'ping');
    await ping;
    // ...but no byte of the file came before its record was kept.
    expect(progress).toEqual([]);

    state.release();
    expect(await sending).toBe(messageId);
    expect((await arrived).bytes).toEqual(bytes);
    expect(await alice.c.db.engineState.keys('file-out:')).toEqual([]);
    expect(await state.keys('file-out:')).toEqual([]);
  });

  it('fails the file at both ends, saying why, when the sender cannot keep its resume record', async () => {
    const state = new HeldStateStore();
    const alice = s.device('alice', { stateStore: state });
    const bob = s.device('bob');
    await startAll(alice, bob);
    const bobFailed = next(bob.c, 'file-failed');
    const aliceFailed = next(alice.c, 'file-failed');
    state.failing = 'file-out:';
    await expect(
      alice.c.files.send(alice.c.conversations.direct(bob.c.account), {
        name: 'atlas.bin',
        mimeType: 'application/octet-stream',
        bytes: pattern(SIZE),
      }),
    ).rejects.toThrow('the disk is full');
    // The receiver does not wait for bytes that will never come.
    expect((await bobFailed).reason).toMatch(/could not be kept/);
    expect((await aliceFailed).reason).toMatch(/could not be kept/);
  });
});
