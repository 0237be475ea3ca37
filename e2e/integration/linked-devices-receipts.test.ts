import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ParleyClient } from '@parley/core';
import { next, pair, scenario, startAll, until } from './support/harness.js';
import { LINKED_OPTIONS, aliceWithLaptopAndBob } from './support/linked-devices.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

async function stateOf(client: ParleyClient, id: string): Promise<string | undefined> {
  return (await client.db.messages.get(id))?.state;
}

describe('linked devices: ticks on every own device', () => {
  it('shows a message sent from the phone as delivered, then read, on the laptop too', async () => {
    const { alice, bob, laptop } = await aliceWithLaptopAndBob(s.device);
    await pair(alice, bob);
    const toBob = alice.c.conversations.direct(bob.c.account);

    const copied = next(laptop.c, 'message', (e) => e.message.text === 'ticks follow me');
    const atBob = next(bob.c, 'message', (e) => e.message.text === 'ticks follow me');
    const sent = await alice.c.messages.send(toBob, 'ticks follow me');
    expect((await copied).message).toMatchObject({ id: sent.id, direction: 'outgoing' });
    await atBob;
    const delivered = next(
      laptop.c,
      'message-state',
      (e) => e.messageId === sent.id && e.state === 'delivered',
    );
    await until(async () => (await stateOf(laptop.c, sent.id)) === 'delivered', 'delivered on the laptop');
    expect(await delivered).toMatchObject({ conversationId: laptop.c.conversations.direct(bob.c.account) });

    const read = next(laptop.c, 'message-state', (e) => e.messageId === sent.id && e.state === 'read');
    await bob.c.conversations.markRead(bob.c.conversations.direct(alice.c.account));
    await read;
    expect(await stateOf(laptop.c, sent.id)).toBe('read');
    await until(async () => (await stateOf(alice.c, sent.id)) === 'read', 'read on the phone');
  });

  it('shows a message sent from the laptop as read on the phone', async () => {
    const { alice, bob, laptop } = await aliceWithLaptopAndBob(s.device);
    await pair(alice, bob);
    // The laptop has the conversation once Bob wrote (it was linked before Alice and Bob met).
    const hello = next(laptop.c, 'message', (e) => e.message.text === 'hello both');
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'hello both');
    await hello;
    const atBob = next(bob.c, 'message', (e) => e.message.text === 'from the laptop');
    const onPhone = next(alice.c, 'message', (e) => e.message.text === 'from the laptop');
    const sent = await laptop.c.messages.send(
      laptop.c.conversations.direct(bob.c.account),
      'from the laptop',
    );
    await Promise.all([atBob, onPhone]);
    await bob.c.conversations.markRead(bob.c.conversations.direct(alice.c.account));
    await until(async () => (await stateOf(alice.c, sent.id)) === 'read', 'read on the phone');
    await until(async () => (await stateOf(laptop.c, sent.id)) === 'read', 'read on the laptop');
  });

  it("moves a group message's copy to delivered only once every member has it", async () => {
    const { alice, bob, laptop } = await aliceWithLaptopAndBob(s.device);
    await pair(alice, bob);
    const carol = s.device('carol', LINKED_OPTIONS);
    await startAll(carol);
    await pair(alice, carol);
    const joined = [next(laptop.c, 'group'), next(bob.c, 'group'), next(carol.c, 'group')];
    const group = await alice.c.groups.create('trip', [bob.c.account, carol.c.account]);
    await Promise.all(joined);
    await carol.stop();

    const copied = next(laptop.c, 'message', (e) => e.message.text === 'who has it?');
    const sent = await alice.c.messages.send(group, 'who has it?');
    await copied;
    // Bob's receipt reaches the laptop; Carol (offline) has not got it: the copy stays sent.
    await until(
      async () =>
        JSON.stringify((await laptop.c.db.engineState.get(`copy-receipt:${sent.id}`)) ?? {}).includes(
          bob.c.account,
        ),
      "Bob's receipt on the laptop",
    );
    expect(await stateOf(laptop.c, sent.id)).toBe('sent');

    await carol.start();
    await until(async () => (await stateOf(laptop.c, sent.id)) === 'delivered', 'delivered on the laptop');
    await until(async () => (await stateOf(alice.c, sent.id)) === 'delivered', 'delivered on the phone');
  });

  it("ignores a contact's receipt for a message it was never sent", async () => {
    const { alice, bob, laptop } = await aliceWithLaptopAndBob(s.device);
    await pair(alice, bob);
    const carol = s.device('carol', LINKED_OPTIONS);
    await startAll(carol);
    await pair(alice, carol);
    const carolAccount = carol.c.account;
    await carol.stop();
    const copied = next(laptop.c, 'message', (e) => e.message.text === 'for carol only');
    const toCarol = await alice.c.messages.send(alice.c.conversations.direct(carolAccount), 'for carol only');
    await copied;

    // Bob (a modified client) claims to have read Alice's message to Carol, then sends a real message, which
    // reaches the laptop after his claim.
    const after = next(laptop.c, 'message', (e) => e.message.text === 'after the claim');
    await bob.c.messages.control(bob.c.conversations.direct(alice.c.account), {
      type: 'receipt',
      receipt: 'read',
      ids: [toCarol.id],
    });
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'after the claim');
    await after;
    expect(await stateOf(laptop.c, toCarol.id)).toBe('sent');
    expect(await stateOf(alice.c, toCarol.id)).toBe('sent');
  });
});
