import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIdentityString, toBase64Url } from '@parley/core';
import { collect, next, scenario, until, type DeviceOptions, type TestDevice } from './support/harness.js';
import { RelayInTheMiddle } from './support/relay-in-the-middle.js';

// Opens WebRTC: run inside `unshare -rn sh -c 'ip link set lo up && …'`.
const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

/** Alice and Mallory, connected; Mallory has Alice's contact link, Alice has never heard of Mallory. */
async function aliceAndStranger(
  malloryOptions: DeviceOptions = {},
  aliceOptions: DeviceOptions = {},
): Promise<{ alice: TestDevice; mallory: TestDevice }> {
  const alice = s.device('alice', aliceOptions);
  const mallory = s.device('mallory', malloryOptions);
  await alice.start();
  await mallory.start();
  await until(() => alice.c.connected && mallory.c.connected, 'both to connect');
  await mallory.c.contacts.add(alice.c.profile.contactLink());
  return { alice, mallory };
}

describe('strangers and message requests', () => {
  it('answers no offer from a stranger and shows their message as a request', async () => {
    // Alice queues delivery receipts at once, so one for Mallory would leave before anything Alice sends later.
    const { alice, mallory } = await aliceAndStranger({}, { tuning: { receiptDelayMs: 0 } });
    const aliceRoutes = collect(alice.c, 'route');
    const malloryRoutes = collect(mallory.c, 'route');
    const received = next(alice.c, 'message');
    await mallory.c.messages.send(mallory.c.conversations.direct(alice.c.account), 'hello, answer my offer');
    // Her client must not have answered: the message came through the relay, no link ever opened.
    expect(await received).toMatchObject({ via: 'relay', message: { text: 'hello, answer my offer' } });
    expect([...aliceRoutes, ...malloryRoutes].filter((event) => event.route !== 'relay')).toEqual([]);
    expect(await alice.c.db.contacts.get(mallory.c.account)).toMatchObject({ accepted: false });
    // No delivery receipt told Mallory that Alice's device is online: Alice's later reply finds it still 'sent'.
    await alice.c.contacts.accept(mallory.c.account);
    const reply = next(mallory.c, 'message');
    await alice.c.messages.send(alice.c.conversations.direct(mallory.c.account), 'accepted now');
    await reply;
    const toAlice = mallory.c.conversations.direct(alice.c.account);
    const sent = (await mallory.c.messages.page(toAlice)).messages.find(
      (message) => message.text === 'hello, answer my offer',
    );
    expect(sent?.state).toBe('sent');
  });

  it('offers no link to a request it replies to before accepting', async () => {
    // Mallory's relay connection passes through a recorder: it sees every signal that reaches her.
    const signalsToMallory: unknown[] = [];
    const middle = await RelayInTheMiddle.start(s.relay().url, {
      down: (event, payload) => {
        if (event === 'signal') signalsToMallory.push(payload);
        return payload;
      },
    });
    try {
      await s.relay().restart({ publicUrls: [middle.url] });
      const { alice, mallory } = await aliceAndStranger({ relayUrl: middle.url });
      const request = next(alice.c, 'message');
      await mallory.c.messages.send(mallory.c.conversations.direct(alice.c.account), 'write back?');
      await request;
      signalsToMallory.length = 0;
      const reply = next(mallory.c, 'message');
      await alice.c.messages.send(alice.c.conversations.direct(mallory.c.account), 'replying, not accepting');
      expect(await reply).toMatchObject({ via: 'relay', message: { text: 'replying, not accepting' } });
      // An offer would have carried Alice's candidates (her addresses) to someone she has not accepted.
      expect(signalsToMallory).toEqual([]);
    } finally {
      await middle.close();
    }
  });

  it('opens links with a request once it is accepted', async () => {
    const { alice, mallory } = await aliceAndStranger();
    const request = next(alice.c, 'message');
    await mallory.c.messages.send(mallory.c.conversations.direct(alice.c.account), 'may I?');
    await request;
    expect((await alice.c.contacts.accept(mallory.c.account)).accepted).toBe(true);
    const reply = next(mallory.c, 'message');
    await alice.c.messages.send(alice.c.conversations.direct(mallory.c.account), 'yes');
    expect(await reply).toMatchObject({ via: 'direct', message: { text: 'yes' } });
  });

  it('gives a blocked identity nothing: its messages are dropped and its offers unanswered', async () => {
    const { alice, mallory } = await aliceAndStranger();
    const first = next(alice.c, 'message');
    await mallory.c.messages.send(mallory.c.conversations.direct(alice.c.account), 'first');
    await first;
    await alice.c.contacts.block(mallory.c.account);
    const toAlice = mallory.c.conversations.direct(alice.c.account);
    const relayed = next(mallory.c, 'message-state', (event) => event.state === 'sent');
    const blocked = await mallory.c.messages.send(toAlice, 'after the block');
    // The relay took it and Alice's device acknowledged (dropped) it: nothing is left to redeliver.
    const aliceId = toBase64Url(parseIdentityString(alice.c.account));
    expect((await relayed).messageId).toBe(blocked.id);
    await until(
      async () => (await s.relay().store.blobs.pending(aliceId, 10)).length === 0,
      'Alice to drop it',
    );
    const page = await alice.c.messages.page(alice.c.conversations.direct(mallory.c.account));
    expect(page.messages.map((message) => message.text)).toEqual(['first']);
    expect((await mallory.c.messages.page(toAlice)).messages.find((m) => m.id === blocked.id)?.state).toBe(
      'sent',
    );
  });
});
