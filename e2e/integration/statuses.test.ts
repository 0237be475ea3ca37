import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STATUS_LIFETIME_MS, toBase64Url } from '@parley/core';
import { next, scenario, startAll } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

describe('ParleyClient statuses', () => {
  it('shows a status to the chosen contact, reports who viewed it, and expires it after 24 hours', async () => {
    const clock = { now: Date.now() };
    const now = () => clock.now;
    const alice = s.device('alice', { now });
    const bob = s.device('bob', { now });
    await startAll(alice, bob);
    const arrived = next(bob.c, 'status');
    const photo = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const posted = await alice.c.status.post({ text: 'at the summit', image: photo, to: [bob.c.account] });
    expect(await arrived).toMatchObject({
      statusId: posted.statusId,
      text: 'at the summit',
      image: toBase64Url(photo),
      author: alice.c.account,
    });

    expect((await bob.c.status.list())[0]?.seen).toBeUndefined();
    const viewed = next(alice.c, 'status-viewed');
    await bob.c.status.markViewed(alice.c.account, posted.statusId);
    expect(await viewed).toEqual({ statusId: posted.statusId, viewer: bob.c.account });
    expect((await bob.c.status.list())[0]?.seen).toBe(true);
    expect((await alice.c.status.list())[0]?.viewedBy).toEqual([bob.c.account]);

    clock.now += STATUS_LIFETIME_MS - 1;
    await bob.c.sweep();
    expect(await bob.c.status.list()).toHaveLength(1);

    clock.now += 1;
    const expiredForBob = next(bob.c, 'status-expired');
    const expiredForAlice = next(alice.c, 'status-expired');
    await bob.c.sweep();
    await alice.c.sweep();
    expect(await expiredForBob).toEqual({ statusId: posted.statusId });
    expect(await expiredForAlice).toEqual({ statusId: posted.statusId });
    expect(await bob.c.status.list()).toEqual([]);
    expect(await alice.c.status.list()).toEqual([]);
  });

  it('takes a deleted status down on every viewer, also one that was offline, and only its author can', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    const carol = s.device('carol');
    await startAll(alice, bob, carol);
    const toBob = next(bob.c, 'status');
    const toCarol = next(carol.c, 'status');
    const posted = await alice.c.status.post({ text: 'wrong photo', to: [bob.c.account, carol.c.account] });
    await toBob;
    await toCarol;
    // A viewer cannot delete someone else's status: there is none of theirs by that id.
    await expect(bob.c.status.delete(posted.statusId)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await carol.stop();
    const goneForBob = next(bob.c, 'status-deleted');
    const goneHere = next(alice.c, 'status-deleted');
    await alice.c.status.delete(posted.statusId);
    expect(await goneHere).toEqual({ statusId: posted.statusId, author: alice.c.account });
    expect(await goneForBob).toEqual({ statusId: posted.statusId, author: alice.c.account });
    expect(await alice.c.status.list()).toEqual([]);
    expect(await bob.c.status.list()).toEqual([]);

    // Carol was offline: the deletion waited on the relay and reaches her when she is back.
    const client = await carol.start();
    const goneForCarol = next(client, 'status-deleted');
    expect(await goneForCarol).toEqual({ statusId: posted.statusId, author: alice.c.account });
    expect(await client.status.list()).toEqual([]);
  });

  it('carries a text status background colour to the contact, and refuses one that is not a colour', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const arrived = next(bob.c, 'status');
    await alice.c.status.post({ text: 'good morning', background: '#1f7a5c', to: [bob.c.account] });
    expect(await arrived).toMatchObject({ text: 'good morning', background: '#1f7a5c' });
    await expect(
      alice.c.status.post({ text: 'x', background: 'red; url(evil)', to: [bob.c.account] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('deletes disappearing messages on both sides when their timer runs out', async () => {
    const clock = { now: Date.now() };
    const now = () => clock.now;
    const alice = s.device('alice', { now });
    const bob = s.device('bob', { now });
    await startAll(alice, bob);
    const conversation = alice.c.conversations.direct(bob.c.account);
    const timerSet = next(bob.c, 'disappearing-timer');
    await alice.c.conversations.setDisappearingTimer(conversation, 60_000);
    expect(await timerSet).toEqual({
      conversationId: bob.c.conversations.direct(alice.c.account),
      expiresInMs: 60_000,
    });
    const received = next(bob.c, 'message');
    const sent = await alice.c.messages.send(conversation, 'self-destructing');
    await received;
    clock.now += 60_000;
    const gone = next(bob.c, 'message-deleted');
    await bob.c.sweep();
    await alice.c.sweep();
    expect(await gone).toEqual({ messageId: sent.id, reason: 'expired' });
    expect((await bob.c.db.messages.get(sent.id))?.text).toBe('');
    expect((await alice.c.db.messages.get(sent.id))?.text).toBe('');
  });
});
