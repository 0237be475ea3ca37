import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDevice, TestRelay, next, until } from './support/harness.js';

let relays: TestRelay[] = [];
let devices: TestDevice[] = [];

beforeEach(async () => {
  relays = [await TestRelay.start(), await TestRelay.start()];
});

afterEach(async () => {
  for (const device of devices) await device.stop();
  devices = [];
  for (const relay of relays) await relay.destroy();
});

describe('ParleyClient with contacts on other relays', () => {
  it('reaches a contact whose home is another relay, directly and through that relay', async () => {
    const [home, other] = relays as [TestRelay, TestRelay];
    const alice = new TestDevice('alice', home);
    const bob = new TestDevice('bob', other);
    devices.push(alice, bob);
    await alice.start();
    await bob.start();
    await until(() => alice.c.connected && bob.c.connected, 'both to connect');
    await alice.c.contacts.add(bob.c.profile.contactLink());
    await bob.c.contacts.add(alice.c.profile.contactLink());
    const bobAccount = bob.c.account;
    expect(alice.c.contacts.relayOf(bobAccount)).toBe(bob.c.contacts.relayOf('no-such-account'));
    expect(alice.c.contacts.relayOf(bobAccount)).not.toBe(alice.c.contacts.relayOf('no-such-account'));

    // Signals go through each side's home relay; the link itself is peer to peer.
    const direct = next(bob.c, 'message');
    const sent = await alice.c.messages.send(alice.c.conversations.direct(bobAccount), 'across relays');
    expect(await direct).toMatchObject({ via: 'direct', message: { text: 'across relays' } });
    await until(async () => (await alice.c.db.messages.get(sent.id))?.state === 'delivered', 'delivered');

    // Bob offline: Alice deposits on Bob's relay, where he finds it when he is back.
    // Alice's side must have seen the link go first: a message sent into the closing link, then retried once
    // Bob's new direct link forms, would (rightly) arrive direct.
    await bob.stop();
    await until(() => alice.c.links.routes(bobAccount)[1] !== 'direct', 'Alice to see the direct link go');
    const away = await alice.c.messages.send(alice.c.conversations.direct(bobAccount), 'while you were away');
    await until(async () => (await alice.c.db.messages.get(away.id))?.state === 'sent', 'the deposit');
    const bobAgain = await bob.start();
    const relayed = await next(bobAgain, 'message');
    expect(relayed).toMatchObject({ via: 'relay', message: { text: 'while you were away' } });

    // Presence is watched on each contact's own relay.
    await bobAgain.settings.setPresenceVisibility();
    await until(() => alice.c.connected, 'alice');
    expect(await alice.c.presence.subscribe([bobAccount])).toEqual([
      expect.objectContaining({ account: bobAccount, online: true }),
    ]);

    const toAlice = next(alice.c, 'message');
    await bobAgain.messages.send(bobAgain.conversations.direct(alice.c.account), 'and back');
    expect((await toAlice).message).toMatchObject({ text: 'and back' });
  });
});
