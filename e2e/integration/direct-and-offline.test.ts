import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDevice, TestRelay, collect, next, pair, until } from './support/harness.js';

let relay: TestRelay;
let devices: TestDevice[] = [];

beforeEach(async () => {
  relay = await TestRelay.start();
});

afterEach(async () => {
  for (const device of devices) await device.stop();
  devices = [];
  await relay.destroy();
});

function device(name: string, options?: ConstructorParameters<typeof TestDevice>[2]): TestDevice {
  const created = new TestDevice(name, relay, options);
  devices.push(created);
  return created;
}

describe('ParleyClient delivery', () => {
  it('delivers a message over a direct link when both clients are online', async () => {
    const alice = device('alice');
    const bob = device('bob');
    await alice.start();
    await bob.start();
    await pair(alice, bob);
    const routes = collect(alice.c, 'route');
    const received = next(bob.c, 'message');
    const sent = await alice.c.messages.send(
      alice.c.conversations.direct(bob.c.account),
      'hello over webrtc',
    );
    const { message, via } = await received;
    expect(message).toMatchObject({ id: sent.id, text: 'hello over webrtc', direction: 'incoming' });
    expect(via).toBe('direct');
    expect(routes.map((event) => event.route)).toContain('direct');
    await until(async () => (await alice.c.db.messages.get(sent.id))?.state === 'delivered', 'delivered');
  });

  it('delivers offline messages in order and without duplicates once the peer starts again', async () => {
    const alice = device('alice');
    const bob = device('bob');
    await alice.start();
    await bob.start();
    await pair(alice, bob);
    const bobAccount = bob.c.account;
    await bob.stop();
    const conversation = alice.c.conversations.direct(bobAccount);
    const texts = ['one', 'two', 'three', 'four', 'five'];
    const ids: string[] = [];
    for (const text of texts) ids.push((await alice.c.messages.send(conversation, text)).id);
    await until(async () => {
      const states = await Promise.all(ids.map(async (id) => (await alice.c.db.messages.get(id))?.state));
      return states.every((state) => state === 'sent');
    }, 'all sent to the relay');

    const bobClient = await bob.start();
    const arrived = collect(bobClient, 'message');
    await until(() => arrived.length >= texts.length, 'all five messages');
    expect(arrived.map(({ message }) => message.text)).toEqual(texts);
    expect(arrived.every(({ via }) => via === 'relay')).toBe(true);
    const page = await bobClient.messages.page(bobClient.conversations.direct(alice.c.account));
    expect(page.messages.map((message) => message.text).reverse()).toEqual(texts);
    await until(async () => (await alice.c.db.messages.get(ids[4]!))?.state === 'delivered', 'delivered');
  });
});
