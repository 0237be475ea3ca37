import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, next, scenario, startAll, until } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

describe('ParleyClient messages', () => {
  it('moves a message through sent, delivered and read, in that order', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const states: string[] = [];
    alice.c.on('message-state', (event) => states.push(event.state));
    const received = next(bob.c, 'message');
    const sent = await alice.c.messages.send(
      alice.c.conversations.direct(bob.c.account),
      'did you read this?',
    );
    const { message } = await received;
    await until(async () => (await alice.c.db.messages.get(sent.id))?.state === 'delivered', 'delivered');
    await bob.c.messages.markRead([message.id]);
    await until(async () => (await alice.c.db.messages.get(sent.id))?.state === 'read', 'read');
    const order = ['pending', 'sent', 'delivered', 'read'];
    const ranks = states.map((state) => order.indexOf(state));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(states.slice(-2)).toEqual(['delivered', 'read']);
  });

  it('sends no read receipt from a device that turned them off', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob', { readReceipts: false });
    await startAll(alice, bob);
    const received = next(bob.c, 'message');
    const sent = await alice.c.messages.send(alice.c.conversations.direct(bob.c.account), 'private reader');
    await bob.c.messages.markRead([(await received).message.id]);
    await until(async () => (await alice.c.db.messages.get(sent.id))?.state === 'delivered', 'delivered');
    // A later message's delivered receipt travels behind where a read receipt would have: none came.
    const later = await alice.c.messages.send(alice.c.conversations.direct(bob.c.account), 'second');
    await until(async () => (await alice.c.db.messages.get(later.id))?.state === 'delivered', 'delivered');
    expect((await alice.c.db.messages.get(sent.id))?.state).toBe('delivered');
  });

  it('shows an edited and a deleted message to the recipient, and replies quote their original', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const conversation = alice.c.conversations.direct(bob.c.account);
    const arrived = collect(bob.c, 'message');
    const typo = await alice.c.messages.send(conversation, 'helo');
    const regret = await alice.c.messages.send(conversation, 'something I regret');
    await until(() => arrived.length === 2, 'two messages');

    const edited = next(bob.c, 'message-edited');
    const deleted = next(bob.c, 'message-deleted');
    await alice.c.messages.edit(typo.id, 'hello');
    await alice.c.messages.delete(regret.id);
    expect(await edited).toMatchObject({ messageId: typo.id, text: 'hello' });
    expect(await deleted).toMatchObject({ messageId: regret.id, reason: 'sender' });
    expect(await bob.c.db.messages.get(typo.id)).toMatchObject({ text: 'hello' });
    expect(await bob.c.db.messages.get(regret.id)).toMatchObject({ text: '' });
    expect((await bob.c.db.messages.get(regret.id))?.deletedAt).toBeDefined();

    // Only the sender may change a message.
    await expect(bob.c.messages.edit(typo.id, 'hijacked')).rejects.toMatchObject({ code: 'ACCESS_DENIED' });

    const reply = next(alice.c, 'message');
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'hello to you', {
      replyTo: typo.id,
    });
    expect((await reply).message).toMatchObject({ text: 'hello to you', replyTo: typo.id });
    const reaction = next(alice.c, 'reaction');
    await bob.c.messages.react(typo.id, '👍');
    expect(await reaction).toMatchObject({ messageId: typo.id, emoji: '👍', from: bob.c.account });
  });

  it('acknowledges a burst of messages with far fewer delivered receipts than messages', async () => {
    const alice = s.device('alice', { direct: false });
    const bob = s.device('bob', { direct: false });
    await startAll(alice, bob);
    const conversation = alice.c.conversations.direct(bob.c.account);
    const arrived = collect(bob.c, 'message');
    const sent = [];
    for (let i = 0; i < 20; i += 1) sent.push(await alice.c.messages.send(conversation, `burst ${i}`));
    await until(() => arrived.length === 20, 'the whole burst');
    for (const message of sent)
      await until(
        async () => (await alice.c.db.messages.get(message.id))?.state === 'delivered',
        'delivered',
      );
    // Bob sent nothing but receipts: each is an end-to-end encrypted control message in his outbox.
    const receipts = await bob.c.db.messages.page(`control:${bob.c.account}`, { limit: 100 });
    expect(receipts.messages.length).toBeGreaterThan(0);
    expect(receipts.messages.length).toBeLessThanOrEqual(5);
  });

  it('receives a burst in write order, each message once, when the relay refuses some of it for a while', async () => {
    // Two undelivered blobs per sender: while bob is away, alice's third envelope is refused (a retry
    // later), and so is everything behind it, until bob collects what is held.
    await s.relay().restart({ blobQuota: { maxBlobs: 2, maxBytes: 1024 * 1024 * 1024 } });
    const alice = s.device('alice', { direct: false });
    const bob = s.device('bob', { direct: false });
    await startAll(alice, bob);
    const conversation = alice.c.conversations.direct(bob.c.account);
    await bob.stop();
    const written: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      written.push(`ordered ${i}`);
      ids.push((await alice.c.messages.send(conversation, `ordered ${i}`)).id);
      // Spread the burst over several batches, some of them refused.
      if (i % 5 === 4) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const refused = async () => {
      const entries = await Promise.all(ids.map(async (id) => (await alice.c.messages.outboxEntries(id))[0]));
      return entries.some((entry) => entry?.lastError?.startsWith('QUOTA_EXCEEDED') === true);
    };
    await until(refused, 'a refused deposit');
    const client = await bob.start();
    const arrived = collect(client, 'message');
    await until(() => arrived.length >= 30, 'the whole burst');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(arrived.map(({ message }) => message.text)).toEqual(written);
  });
});
