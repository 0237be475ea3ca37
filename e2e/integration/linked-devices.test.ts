import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCipher, utf8 } from '@parley/core';
import { next, pair, scenario, until } from './support/harness.js';
import { LINKED_OPTIONS as opts, aliceWithLaptopAndBob } from './support/linked-devices.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

describe('linked devices', () => {
  it("delivers a contact's message to both devices of the account", async () => {
    const { alice, bob, laptop } = await aliceWithLaptopAndBob(s.device);
    expect(laptop.c.account).toBe(alice.c.account);
    expect(laptop.c.address.deviceId).toBe(2);

    const onPhone = next(alice.c, 'message', (e) => e.message.text === 'to both');
    const onLaptop = next(laptop.c, 'message', (e) => e.message.text === 'to both');
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'to both');
    const [phone, lap] = await Promise.all([onPhone, onLaptop]);
    expect(phone.message.sender).toEqual({ name: bob.c.account, deviceId: 1 });
    expect(lap.message).toMatchObject({ id: phone.message.id, direction: 'incoming' });
    // The account is one person: the safety number is the account key's, whichever device asks.
    expect((await bob.c.contacts.safetyNumber(alice.c.account)).digits).toBe(
      (await laptop.c.contacts.safetyNumber(bob.c.account)).digits,
    );
  });

  it('shows a message sent from one device on the other, as sent by me', async () => {
    const { alice, bob, laptop } = await aliceWithLaptopAndBob(s.device);

    const onLaptop = next(laptop.c, 'message', (e) => e.message.text === 'from my phone');
    const onBob = next(bob.c, 'message', (e) => e.message.text === 'from my phone');
    const sent = await alice.c.messages.send(alice.c.conversations.direct(bob.c.account), 'from my phone');
    const copy = (await onLaptop).message;
    expect(copy).toMatchObject({
      id: sent.id,
      direction: 'outgoing',
      conversationId: laptop.c.conversations.direct(bob.c.account),
      sender: { name: alice.c.account, deviceId: 1 },
    });
    expect((await onBob).message.sender).toEqual({ name: alice.c.account, deviceId: 1 });

    // And the other way: sent from the laptop, shown on the phone, one person to Bob.
    const onPhone = next(alice.c, 'message', (e) => e.message.text === 'from my laptop');
    const onBob2 = next(bob.c, 'message', (e) => e.message.text === 'from my laptop');
    await laptop.c.messages.send(laptop.c.conversations.direct(bob.c.account), 'from my laptop');
    expect((await onPhone).message).toMatchObject({ direction: 'outgoing' });
    const seenByBob = (await onBob2).message;
    expect(seenByBob.sender).toEqual({ name: alice.c.account, deviceId: 2 });
    expect(seenByBob.conversationId).toBe(bob.c.conversations.direct(alice.c.account));
    // The laptop may edit what the phone sent: same person.
    const edited = next(bob.c, 'message-edited', (e) => e.messageId === sent.id);
    await laptop.c.messages.edit(sent.id, 'from my phone, edited on my laptop');
    expect((await edited).text).toBe('from my phone, edited on my laptop');
    // Delivered once any of Bob's devices has it.
    await until(
      async () => (await alice.c.db.messages.get(sent.id))?.state === 'delivered',
      'delivered on the phone',
    );
  });

  it('clears unread on one device when the message was read on the other', async () => {
    const { alice, bob, laptop } = await aliceWithLaptopAndBob(s.device);
    const conversation = alice.c.conversations.direct(bob.c.account);

    const onPhone = next(alice.c, 'message', (e) => e.message.text === 'read me once');
    const onLaptop = next(laptop.c, 'message', (e) => e.message.text === 'read me once');
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'read me once');
    await Promise.all([onPhone, onLaptop]);
    expect((await alice.c.conversations.get(conversation))?.unreadCount).toBe(1);

    await laptop.c.conversations.markRead(conversation);
    await until(
      async () => (await alice.c.conversations.get(conversation))?.unreadCount === 0,
      'unread cleared on the phone',
    );
  });

  it('stops a device its account unlinked from receiving new one-to-one messages', async () => {
    const { alice, bob, laptop } = await aliceWithLaptopAndBob(s.device);
    const toAlice = bob.c.conversations.direct(alice.c.account);
    const before = next(laptop.c, 'message', (e) => e.message.text === 'before');
    await bob.c.messages.send(toAlice, 'before');
    await before;

    // The primary tells the laptop at once (devices-service's 'unlinked' hint): listen before unlinking.
    const out = next(laptop.c, 'devices', (e) => e.account === alice.c.account && e.removed.includes(2));
    await alice.c.devices.remove(2);
    expect((await alice.c.devices.list()).map((d) => d.deviceId)).toEqual([1]);
    const onPhone = next(alice.c, 'message', (e) => e.message.text === 'after');
    const after = await bob.c.messages.send(toAlice, 'after');
    await onPhone;
    const recipients = (await bob.c.messages.outboxEntries(after.id)).map((e) => e.recipient);
    expect(recipients).toEqual([{ name: alice.c.account, deviceId: 1 }]);
    // Bob dropped its session with the unlinked device, and so did the phone.
    expect(await bob.c.db.sessions.loadSession({ name: alice.c.account, deviceId: 2 })).toBeUndefined();
    const mine = await alice.c.messages.send(alice.c.conversations.direct(bob.c.account), 'mine');
    expect((await alice.c.messages.outboxEntries(mine.id)).map((e) => e.recipient)).toEqual([
      { name: bob.c.account, deviceId: 1 },
    ]);

    // The unlinked laptop learns it is out, and can no longer speak for Alice: what it writes does not leave
    // (what Bob does with a message a modified laptop sends anyway: linked-devices-unlink.test.ts).
    await out;
    const still = await laptop.c.messages.send(laptop.c.conversations.direct(bob.c.account), 'still alice?');
    await until(async () => {
      const entries = await laptop.c.messages.outboxEntries(still.id);
      return entries.length > 0 && entries.every((entry) => entry.state === 'failed');
    }, "the laptop's message to fail");
    expect((await laptop.c.messages.outboxEntries(still.id))[0]?.lastError).toMatch(/unlinked/u);
  });

  it('fans a group message out to every device, and an unlinked device reads no group message after', async () => {
    const { alice, bob, laptop } = await aliceWithLaptopAndBob(s.device);
    const laptopJoined = next(laptop.c, 'group');
    const bobJoined = next(bob.c, 'group');
    const conversation = await alice.c.groups.create('hikes', [bob.c.account]);
    const groupId = conversation.slice('group:'.length);
    await Promise.all([laptopJoined, bobJoined]);

    const onPhone = next(alice.c, 'message', (e) => e.message.text === 'group hello');
    const onLaptop = next(laptop.c, 'message', (e) => e.message.text === 'group hello');
    const hello = await bob.c.messages.send(conversation, 'group hello');
    await Promise.all([onPhone, onLaptop]);
    // One upload for all of them: every entry of the message was settled by the one deposit.
    const entries = await bob.c.messages.outboxEntries(hello.id);
    expect(entries.map((e) => e.recipient.deviceId).sort()).toEqual([1, 2]);
    const mine = next(laptop.c, 'message', (e) => e.message.text === 'my group line');
    await alice.c.messages.send(conversation, 'my group line');
    expect((await mine).message).toMatchObject({ direction: 'outgoing', conversationId: conversation });

    // An admin's linked device changes the group too: signed by its own key, which Alice's list vouches for.
    const renamed = next(bob.c, 'group', (e) => e.state.name === 'long hikes');
    await laptop.c.groups.rename(groupId, 'long hikes');
    expect((await renamed).state.changedBy).toBe(alice.c.account);

    const bobRotated = next(bob.c, 'devices', (e) => e.removed.includes(2));
    await alice.c.devices.remove(2);
    const onPhoneAfter = next(alice.c, 'message', (e) => e.message.text === 'after the unlink');
    const after = await bob.c.messages.send(conversation, 'after the unlink');
    await bobRotated;
    await onPhoneAfter;
    expect((await bob.c.messages.outboxEntries(after.id)).map((e) => e.recipient)).toEqual([
      { name: alice.c.account, deviceId: 1 },
    ]);
    // Bob rotated his sender key when Alice's list lost the laptop: what he sends now, the laptop cannot open.
    const sealed = await new GroupCipher(bob.c.db.senderKeys, bob.c.address).encrypt(groupId, utf8('secret'));
    const laptopCipher = new GroupCipher(laptop.c.db.senderKeys, laptop.c.address);
    await expect(laptopCipher.decrypt(groupId, bob.c.address, sealed)).rejects.toMatchObject({
      code: 'SESSION_NOT_FOUND',
    });
    const phoneCipher = new GroupCipher(alice.c.db.senderKeys, alice.c.address);
    expect(await phoneCipher.decrypt(groupId, bob.c.address, sealed)).toEqual(utf8('secret'));
  });

  it('counts a message delivered when any device of the recipient has it, and read when any read it', async () => {
    const alice = s.device('alice', opts);
    const bob = s.device('bob', opts);
    await alice.start();
    await bob.start();
    const laptop = s.device('bob-laptop', opts);
    await laptop.startLinkedTo(bob);
    await until(() => laptop.c.connected, 'the laptop to connect');
    // Contacts made after linking: the laptop knows Alice as a contact too (so it sends receipts).
    await pair(alice, bob);
    await until(
      async () => (await laptop.c.db.contacts.get(alice.c.account))?.accepted === true,
      'alice a contact on the laptop',
    );
    await laptop.stop();

    const sent = await alice.c.messages.send(alice.c.conversations.direct(bob.c.account), 'any device');
    await until(async () => (await alice.c.db.messages.get(sent.id))?.state === 'delivered', 'delivered');
    const entries = await alice.c.messages.outboxEntries(sent.id);
    expect(entries.map((e) => [e.recipient.deviceId, e.state]).sort()).toEqual([
      [1, 'delivered'],
      [2, 'sent'],
    ]);

    await laptop.start();
    await until(async () => (await laptop.c.db.messages.get(sent.id)) !== undefined, 'the laptop has it');
    await laptop.c.messages.markRead([sent.id]);
    await until(async () => (await alice.c.db.messages.get(sent.id))?.state === 'read', 'read on the laptop');
  });
});
