import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { next, scenario, startAll, until } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

describe('ParleyClient direct links', () => {
  it('re-establishes a dropped link and keeps delivering directly', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const toBob = alice.c.conversations.direct(bob.c.account);
    const first = next(bob.c, 'message');
    await alice.c.messages.send(toBob, 'first, direct');
    expect((await first).via).toBe('direct');

    // Alice's side closes; Bob sees the link drop and opens a new one, with a new linkId.
    const relayed = next(alice.c, 'route', (event) => event.route === 'relay');
    const back = next(bob.c, 'route', (event) => event.route === 'direct');
    alice.c.links.drop(bob.c.account);
    await relayed;
    await back;

    const second = next(bob.c, 'message');
    await alice.c.messages.send(toBob, 'second, over the new link');
    expect(await second).toMatchObject({ via: 'direct', message: { text: 'second, over the new link' } });
  });

  it('links two online contacts directly on its own after one restarts, with nothing sent', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    await bob.stop();

    // Bob comes back; neither writes. His connection offers Alice a link, and her side reports it.
    const aliceDirect = next(alice.c, 'route', (event) => event.route === 'direct');
    const client = await bob.start();
    const bobDirect = next(client, 'route', (event) => event.route === 'direct');
    expect(await aliceDirect).toEqual({
      conversationId: alice.c.conversations.direct(client.account),
      route: 'direct',
    });
    expect(await bobDirect).toMatchObject({ route: 'direct' });
  });

  it('falls back to the relay when direct links are unavailable', async () => {
    const alice = s.device('alice', { direct: false });
    const bob = s.device('bob');
    await startAll(alice, bob);
    const received = next(bob.c, 'message');
    await alice.c.messages.send(alice.c.conversations.direct(bob.c.account), 'through the relay');
    expect((await received).via).toBe('relay');

    // Bob's link attempts to Alice never open (she has no WebRTC): his messages still arrive, by relay.
    const replies: string[] = [];
    alice.c.on('message', ({ message, via }) => replies.push(`${message.text}/${via}`));
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'reply 1');
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'reply 2');
    await until(() => replies.length === 2, 'both replies');
    expect(replies).toEqual(['reply 1/relay', 'reply 2/relay']);
  });
});
