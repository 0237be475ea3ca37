import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, next, scenario, startAll, until } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

describe('ParleyClient across restarts', () => {
  it('delivers offline messages in order after the relay restarts', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const bobAccount = bob.c.account;
    const conversation = alice.c.conversations.direct(bobAccount);
    await bob.stop();
    const first = await alice.c.messages.send(conversation, 'before the restart 1');
    const second = await alice.c.messages.send(conversation, 'before the restart 2');
    await until(
      async () =>
        (await alice.c.db.messages.get(second.id))?.state === 'sent' &&
        (await alice.c.db.messages.get(first.id))?.state === 'sent',
      'deposited',
    );

    await s.relay().restart();
    await until(() => alice.c.connected, 'alice to reconnect');
    await alice.c.messages.send(conversation, 'after the restart');

    const bobClient = await bob.start();
    const arrived = collect(bobClient, 'message');
    await until(() => arrived.length >= 3, 'three messages');
    expect(arrived.map(({ message }) => message.text)).toEqual([
      'before the restart 1',
      'before the restart 2',
      'after the restart',
    ]);
  });

  it('loses and duplicates nothing when the sender restarts with messages still in its outbox', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const conversation = alice.c.conversations.direct(bob.c.account);
    const bobAccount = bob.c.account;
    await bob.stop();
    await s.relay().stop();
    const texts = ['queued 1', 'queued 2', 'queued 3'];
    const ids: string[] = [];
    for (const text of texts) ids.push((await alice.c.messages.send(conversation, text)).id);
    // Nothing can be sent: the relay is down. Every message waits in the outbox, on disk.
    for (const id of ids) expect((await alice.c.db.messages.get(id))?.state).toBe('pending');
    await alice.stop();

    await s.relay().restart();
    const aliceClient = await alice.start();
    await until(async () => {
      const states = await Promise.all(ids.map(async (id) => (await aliceClient.db.messages.get(id))?.state));
      return states.every((state) => state === 'sent');
    }, 'the outbox to drain after the restart');

    const bobClient = await bob.start();
    const arrived = collect(bobClient, 'message');
    await until(async () => (await aliceClient.db.messages.get(ids[2]!))?.state === 'delivered', 'delivered');
    expect(arrived.map(({ message }) => message.text)).toEqual(texts);
    const page = await bobClient.messages.page(bobClient.conversations.direct(aliceClient.account));
    expect(page.messages).toHaveLength(texts.length);
    expect(bobAccount).toBe(bobClient.account);
  });

  it('still delivers the receipt when the receiving app dies inside the receipt window', async () => {
    const alice = s.device('alice', { direct: false });
    // An hour-long coalescing window: the receipt can only leave through what was written to disk.
    const bob = s.device('bob', { direct: false, tuning: { receiptDelayMs: 3_600_000 } });
    await startAll(alice, bob);
    const sent = await alice.c.messages.send(alice.c.conversations.direct(bob.c.account), 'are you there?');
    await until(async () => (await bob.c.db.messages.get(sent.id)) !== undefined, 'bob to store it');
    await until(async () => (await alice.c.db.messages.get(sent.id))?.state === 'sent', 'deposited');
    expect(await bob.c.db.engineState.keys('receipt-owed:')).toHaveLength(1);

    bob.crash();
    expect((await alice.c.db.messages.get(sent.id))?.state).toBe('sent');
    const again = await bob.start();
    await until(
      async () => (await alice.c.db.messages.get(sent.id))?.state === 'delivered',
      'the receipt after bob restarts',
    );
    // Paid once: the debt is gone, and a second restart sends nothing more.
    expect(await again.db.engineState.keys('receipt-owed:')).toEqual([]);
    const page = await again.messages.page(again.conversations.direct(alice.c.account));
    expect(page.messages.map(({ text }) => text)).toEqual(['are you there?']);
  });

  it('remembers its groups and disappearing timers across a restart', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const conversation = await alice.c.groups.create('ropes', [bob.c.account]);
    const groupId = conversation.slice('group:'.length);
    await until(async () => (await bob.c.groups.get(groupId)) !== undefined, 'bob to join');
    await alice.c.conversations.setDisappearingTimer(alice.c.conversations.direct(bob.c.account), 3_600_000);
    await alice.stop();

    const again = await alice.start();
    expect(await again.groups.get(groupId)).toMatchObject({
      name: 'ropes',
      members: [again.account, bob.c.account],
    });
    expect(await again.conversations.disappearingTimer(again.conversations.direct(bob.c.account))).toBe(
      3_600_000,
    );
    const received = next(bob.c, 'message');
    await again.messages.send(conversation, 'still here');
    expect((await received).message).toMatchObject({ text: 'still here', conversationId: conversation });
  });

  it('keeps reactions across a restart: the latest per person, and removals', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    const carol = s.device('carol');
    await startAll(alice, bob, carol);
    const conversation = await alice.c.groups.create('ropes', [bob.c.account, carol.c.account]);
    const groupId = conversation.slice('group:'.length);
    await until(async () => (await bob.c.groups.get(groupId)) !== undefined, 'bob to join');
    await until(async () => (await carol.c.groups.get(groupId)) !== undefined, 'carol to join');
    const sent = await alice.c.messages.send(conversation, 'summit at noon');
    await until(async () => (await bob.c.db.messages.get(sent.id)) !== undefined, 'bob to receive');
    await until(async () => (await carol.c.db.messages.get(sent.id)) !== undefined, 'carol to receive');

    const reactions = collect(alice.c, 'reaction');
    await bob.c.messages.react(sent.id, '👍');
    await carol.c.messages.react(sent.id, '🎉');
    await until(() => reactions.length >= 2, 'two reactions');
    await bob.c.messages.react(sent.id, '❤️');
    await carol.c.messages.react(sent.id, '🎉', true);
    await until(() => reactions.length >= 4, 'the change and the removal');
    await alice.stop();

    const again = await alice.start();
    expect((await again.messages.reactions(sent.id)).map(({ from, emoji }) => ({ from, emoji }))).toEqual([
      { from: bob.c.account, emoji: '❤️' },
    ]);
    expect((await bob.c.messages.reactions(sent.id)).map(({ emoji }) => emoji)).toEqual(['❤️']);
  });
});
