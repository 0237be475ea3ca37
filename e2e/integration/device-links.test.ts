import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIdentityString, toBase64Url, type ParleyClient } from '@parley/core';
import { collect, next, pair, scenario, until, type DeviceOptions } from './support/harness.js';
import { linkedTo } from './support/linked-devices.js';

/*
 * Direct links per device (issue 15): each device of a contact, and each of our own other devices, gets its
 * own WebRTC link, signalled sealed and addressed to (account, device). Real relay, real @roamhq/wrtc, run
 * inside the loopback-only namespace.
 */

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

/** Direct links on, and contacts' lists fetched before every send, so no step waits on a cache's age. */
const DIRECT: DeviceOptions = { tuning: { deviceListTtlMs: 0 } };

const relayIdentity = (account: string) => toBase64Url(parseIdentityString(account));

/**
 * Alice links her laptop (device 2), then she and Bob add each other: her laptop learns the contact from
 * her phone's sync, as it would any contact added after linking. Every device has WebRTC.
 */
async function aliceTwiceAndBob(options: DeviceOptions = DIRECT) {
  const alice = s.device('alice', options);
  const bob = s.device('bob', options);
  await alice.start();
  await bob.start();
  const laptop = await linkedTo((name) => s.device(name, options), 'alice-laptop', alice);
  await pair(alice, bob);
  await until(
    async () => (await laptop.c.contacts.list()).some((c) => c.account === bob.c.account),
    "the laptop to learn Alice's new contact",
  );
  return { alice, bob, laptop };
}

function directTo(client: ParleyClient, account: string, deviceId: number) {
  return next(
    client,
    'device-route',
    (e) => e.account === account && e.deviceId === deviceId && e.route === 'direct',
  );
}

describe('direct links to each device', () => {
  it('refuses, unanswered, a link from a device key its claimed account does not list', async () => {
    const { alice, bob } = await aliceTwiceAndBob();
    const mallory = s.device('mallory', { direct: false });
    await mallory.start();
    await until(() => mallory.c.connected, 'mallory to connect');
    const socket = mallory.sockets.get(s.relay().url);
    if (socket === undefined) throw new Error('mallory has no socket');
    const answers: unknown[] = [];
    socket.on('signal', (signal) => answers.push(signal));

    // Mallory's own key, claiming to be one of Alice's devices.
    const refused = next(bob.c, 'link-refused', (e) => e.account === alice.c.account);
    const ack = await new Promise<{ ok: boolean }>((resolve) =>
      socket.emit(
        'signal',
        {
          to: relayIdentity(bob.c.account),
          linkId: 'not-alices',
          kind: 'data',
          data: { sealed: 'c2VhbGVk' },
          account: relayIdentity(alice.c.account),
        },
        resolve,
      ),
    );
    expect(ack.ok).toBe(true);
    expect((await refused).error.code).toBe('UNTRUSTED_IDENTITY');
    expect(answers).toEqual([]);
  });

  it('refuses a link from a device its account unlinked, even while a contact still caches the old list', async () => {
    // Lists cached for a minute, as by default: only the link's own check can see the removal in time.
    const { alice, bob, laptop } = await aliceTwiceAndBob({ tuning: { deviceListTtlMs: 60_000 } });
    const toAlice = bob.c.conversations.direct(alice.c.account);
    const onLaptop = next(laptop.c, 'message', (e) => e.message.text === 'hello both');
    await bob.c.messages.send(toAlice, 'hello both');
    await onLaptop;
    expect(bob.c.address).toEqual({ name: bob.c.account, deviceId: 1 });
    laptop.c.links.drop(bob.c.account);

    await alice.c.devices.remove(2);
    const refused = next(bob.c, 'link-refused', (e) => e.account === alice.c.account);
    const opened = collect(laptop.c, 'device-route');
    laptop.c.links.connect({ identity: relayIdentity(bob.c.account), deviceId: '1' });
    expect((await refused).error.code).toBe('UNTRUSTED_IDENTITY');
    expect(opened.filter((e) => e.route === 'direct')).toEqual([]);
  });

  it("delivers a contact's message to both of the account's devices over their own direct links", async () => {
    const { alice, bob, laptop } = await aliceTwiceAndBob();
    const toPhone = directTo(bob.c, alice.c.account, 1);
    const toLaptop = directTo(bob.c, alice.c.account, 2);
    const routes = collect(bob.c, 'route');
    const onPhone = next(alice.c, 'message', (e) => e.message.text === 'to both, directly');
    const onLaptop = next(laptop.c, 'message', (e) => e.message.text === 'to both, directly');
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'to both, directly');

    const [phone, lap] = await Promise.all([onPhone, onLaptop]);
    expect(phone.via).toBe('direct');
    expect(lap.via).toBe('direct');
    await Promise.all([toPhone, toLaptop]);
    expect(bob.c.links.routes(alice.c.account)).toEqual({ 1: 'direct', 2: 'direct' });
    // The conversation's indicator: no copy went through the relay.
    expect(
      routes.filter((e) => e.conversationId === bob.c.conversations.direct(alice.c.account)),
    ).not.toContainEqual(expect.objectContaining({ route: 'relay' }));
    // The laptop's reply, from its own link: one person to Bob, device 2.
    const reply = next(bob.c, 'message', (e) => e.message.text === 'from the laptop');
    await laptop.c.messages.send(laptop.c.conversations.direct(bob.c.account), 'from the laptop');
    expect(await reply).toMatchObject({ via: 'direct', message: { sender: { deviceId: 2 } } });
  });

  it("syncs one's own devices over a direct link between them", async () => {
    const { alice, bob, laptop } = await aliceTwiceAndBob();
    const copy = next(laptop.c, 'message', (e) => e.message.text === 'sent from the phone');
    await alice.c.messages.send(alice.c.conversations.direct(bob.c.account), 'sent from the phone');
    expect(await copy).toMatchObject({ via: 'direct', message: { direction: 'outgoing' } });
    // The link between the two formed when the laptop connected; each side shows it as direct.
    // ('connecting' until each side's stats have read the selected candidate pair.)
    await until(() => alice.c.links.routes(alice.c.account)[2] === 'direct', 'the phone: laptop direct');
    await until(() => laptop.c.links.routes(alice.c.account)[1] === 'direct', 'the laptop: phone direct');
    expect(alice.c.links.routes(alice.c.account)).toEqual({ 2: 'direct' });

    // And back: the laptop's message shows on the phone over the same pair of devices.
    const back = next(alice.c, 'message', (e) => e.message.text === 'sent from the laptop');
    await laptop.c.messages.send(laptop.c.conversations.direct(bob.c.account), 'sent from the laptop');
    expect(await back).toMatchObject({ via: 'direct', message: { direction: 'outgoing' } });
  });
});
