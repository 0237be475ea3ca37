import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { next, scenario, startAll, until } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

const DAY = 24 * 60 * 60_000;

describe('signed prekey rotation', () => {
  it('republishes the bundle after a rotation, so a new contact reaches the device once the old key is gone', async () => {
    let clock = Date.now();
    const bob = s.device('bob', { now: () => clock });
    const carol = s.device('carol');
    await startAll(bob, carol);
    await until(() => bob.c.connected, 'bob to publish his bundle');
    const [first] = await bob.c.db.preKeys.signedPreKeyIds();
    if (first === undefined) throw new Error('no signed prekey');

    clock += 8 * DAY;
    await bob.c.sweep();
    clock += 31 * DAY;
    await bob.c.sweep();
    // The first key was replaced 31 days ago (past the grace period); the second just now, so it is kept.
    expect(await bob.c.db.preKeys.signedPreKeyIds()).toEqual([first + 1, first + 2]);

    // Carol fetches Bob's bundle only now: only the republished one can start a session Bob can decrypt.
    const received = next(bob.c, 'message');
    await carol.c.messages.send(carol.c.conversations.direct(bob.c.account), 'hello after two rotations');
    expect((await received).message.text).toBe('hello after two rotations');
  });
});
