import { nodeNativeBackend } from '@parley/core/crypto/native';
import { tweetnaclBackend } from '@parley/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, next, scenario, startAll, until } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

describe('crypto backends', () => {
  it('lets a device on the native backend and one on tweetnacl talk both ways through the relay', async () => {
    const alice = s.device('alice', { direct: false, cryptoBackend: nodeNativeBackend });
    const bob = s.device('bob', { direct: false, cryptoBackend: tweetnaclBackend });
    await startAll(alice, bob);
    const toBob = collect(bob.c, 'message');
    const sent = [];
    for (const text of ['first from native', 'second from native', 'third from native'])
      sent.push(await alice.c.messages.send(alice.c.conversations.direct(bob.c.account), text));
    await until(() => toBob.length === 3, 'three messages at bob');
    expect(toBob.map(({ message }) => message.text)).toEqual([
      'first from native',
      'second from native',
      'third from native',
    ]);
    const toAlice = next(alice.c, 'message');
    const reply = await bob.c.messages.send(
      bob.c.conversations.direct(alice.c.account),
      'reply from tweetnacl',
    );
    expect((await toAlice).message.text).toBe('reply from tweetnacl');
    // Receipts cross the backends too (end-to-end encrypted like any message).
    for (const message of sent)
      await until(
        async () => (await alice.c.db.messages.get(message.id))?.state === 'delivered',
        'delivered',
      );
    await until(
      async () => (await bob.c.db.messages.get(reply.id))?.state === 'delivered',
      'reply delivered',
    );
  });

  it('lets a device on the native backend and one on tweetnacl talk over a direct link', async () => {
    const alice = s.device('alice', { cryptoBackend: tweetnaclBackend });
    const bob = s.device('bob', { cryptoBackend: nodeNativeBackend });
    await startAll(alice, bob);
    const conversation = alice.c.conversations.direct(bob.c.account);
    // The first messages may go through the relay while the link opens; send until one comes directly.
    let via = 'relay';
    for (let attempt = 0; attempt < 20 && via !== 'direct'; attempt += 1) {
      const arrived = next(bob.c, 'message', ({ message }) => message.text === `hello ${attempt}`);
      await alice.c.messages.send(conversation, `hello ${attempt}`);
      via = (await arrived).via;
      if (via !== 'direct') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(via).toBe('direct');
    const back = next(alice.c, 'message');
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'and back');
    expect(await back).toMatchObject({ message: { text: 'and back' }, via: 'direct' });
  });
});
