import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LinkEvents, LinkJoin } from '@parley/core';
import { next, scenario, startAll, until } from './support/harness.js';

// Opens WebRTC (the linking channel): run inside `unshare -rn sh -c 'ip link set lo up && npx vitest run …'`.

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

function linked(join: LinkJoin): Promise<LinkEvents['linked']> {
  return new Promise((resolve) => {
    const off = join.on('linked', (payload: LinkEvents['linked']) => {
      off();
      resolve(payload);
    });
  });
}

describe('linked devices: the linking flow into the multi-device engine', () => {
  it('makes a device joined through client.linking a device of the account on its next start', async () => {
    const alice = s.device('alice', { tuning: { deviceListTtlMs: 0 } });
    const bob = s.device('bob', { direct: false, tuning: { deviceListTtlMs: 0 } });
    await startAll(alice, bob);
    const laptop = s.device('alice-laptop', { tuning: { deviceListTtlMs: 0 } });
    await laptop.start();
    await until(() => laptop.c.connected, 'the laptop to connect');
    const offer = alice.c.linking.offer();
    const join = await laptop.c.linking.join(offer.text);
    const joined = linked(join);
    // The person confirms once both screens show the short code (the host's may come after join() resolves).
    await until(() => offer.phase === 'comparing' && join.shortCode !== undefined, 'the short codes');
    expect(await offer.confirm()).toBe(2);
    await joined;
    // The host's fan-out knows the new device at once: linking went through client.devices.
    expect((await alice.c.devices.list()).map((d) => d.deviceId)).toEqual([1, 2]);

    await laptop.stop();
    await laptop.start();
    expect(laptop.c.account).toBe(alice.c.account);
    expect(laptop.c.address.deviceId).toBe(2);
    await until(() => laptop.c.connected, 'the laptop to reconnect');
    const onLaptop = next(laptop.c, 'message', (e) => e.message.text === 'to the new laptop');
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'to the new laptop');
    expect((await onLaptop).message.sender.name).toBe(bob.c.account);
  });
  it("keeps what reaches the new device between the confirmation and its restart, in the account's history", async () => {
    const alice = s.device('alice', { tuning: { deviceListTtlMs: 0 } });
    const bob = s.device('bob', { direct: false, tuning: { deviceListTtlMs: 0 } });
    await startAll(alice, bob);
    const toAlice = bob.c.conversations.direct(alice.c.account);
    const toBob = alice.c.conversations.direct(bob.c.account);
    const greeted = next(bob.c, 'message', (e) => e.message.text === 'before the laptop');
    await alice.c.messages.send(toBob, 'before the laptop');
    await greeted;
    const laptop = s.device('alice-laptop', { tuning: { deviceListTtlMs: 0 } });
    await laptop.start();
    await until(() => laptop.c.connected, 'the laptop to connect');
    const offer = alice.c.linking.offer();
    const join = await laptop.c.linking.join(offer.text);
    const joined = linked(join);
    await until(() => offer.phase === 'comparing' && join.shortCode !== undefined, 'the short codes');
    expect(await offer.confirm()).toBe(2);
    await joined;

    // Listed now, not yet restarted: Bob writes to Alice, and her phone writes to Bob. Both reach the laptop.
    const fromBob = await bob.c.messages.send(toAlice, 'while the laptop joins');
    const fromPhone = await alice.c.messages.send(toBob, 'from the phone meanwhile');
    const toLaptop = { name: alice.c.account, deviceId: 2 };
    const sentToLaptop = async (client: typeof bob.c, id: string) =>
      (await client.messages.outboxEntries(id)).some(
        (entry) =>
          entry.recipient.name === toLaptop.name &&
          entry.recipient.deviceId === toLaptop.deviceId &&
          entry.state !== 'pending',
      );
    await until(() => sentToLaptop(bob.c, fromBob.id), "Bob's message to leave for the laptop");
    await until(() => sentToLaptop(alice.c, fromPhone.id), "the phone's copy to leave for the laptop");
    await until(() => join.phase === 'done', 'the history to arrive');

    // The app restarts the laptop as Alice's device: both are in her chat with Bob, as they are on the phone.
    await laptop.stop();
    await laptop.start();
    expect(laptop.c.account).toBe(alice.c.account);
    const stored = async (id: string) => laptop.c.db.messages.get(id);
    await until(async () => (await stored(fromBob.id)) !== undefined, "Bob's message on the laptop");
    await until(async () => (await stored(fromPhone.id)) !== undefined, "the phone's message on the laptop");
    expect(await stored(fromBob.id)).toMatchObject({
      conversationId: toBob,
      sender: { name: bob.c.account },
    });
    expect(await stored(fromPhone.id)).toMatchObject({
      conversationId: toBob,
      sender: { name: alice.c.account },
    });
    const conversations = (await laptop.c.conversations.list()).map((c) => c.id);
    expect(conversations).toEqual([toBob]);
  });
});
