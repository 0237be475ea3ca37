import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParleyClient, UNSEEN_DEVICE_DROP_MS } from '@parley/core';
import { next, scenario, startAll, until, type TestDevice } from './support/harness.js';
import { LINKED_OPTIONS as opts, linkedTo } from './support/linked-devices.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

const DAY = 24 * 60 * 60 * 1000;
const linked = (name: string, primary: TestDevice) => linkedTo(s.device, name, primary);

describe('linked devices: limits, clean-up and sync', () => {
  it('links five devices to one account, delivers to all six, and refuses a seventh', async () => {
    const alice = s.device('alice', opts);
    const bob = s.device('bob', opts);
    await startAll(alice, bob);
    const others: TestDevice[] = [];
    await alice.c.profile.set({ displayName: 'Alice' });
    for (let i = 2; i <= 6; i++) others.push(await linked(`alice-${i}`, alice));
    // Each new device shows the same person: the primary's profile reached it.
    for (const device of others) await until(() => device.c.profile.displayName === 'Alice', 'the profile');
    expect((await alice.c.devices.list()).map((d) => d.deviceId)).toEqual([1, 2, 3, 4, 5, 6]);
    const tooMany = s.device('alice-7', opts);
    const seventh = await ParleyClient.prepareLinkedDevice(tooMany.clientOptions());
    await expect(alice.c.devices.add(seventh)).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });
    // Only the primary holds the account key: a linked device cannot add or remove devices.
    const [firstLinked] = others;
    if (firstLinked === undefined) throw new Error('no linked device');
    await expect(firstLinked.c.devices.remove(3)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    // A prepared device does not start before a list names it.
    await expect(tooMany.start()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const all = [alice, ...others].map((d) => next(d.c, 'message', (e) => e.message.text === 'to all six'));
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'to all six');
    expect((await Promise.all(all)).map((e) => e.message.conversationId)).toEqual(
      new Array(6).fill(alice.c.conversations.direct(bob.c.account)),
    );
  });

  it('drops a linked device unseen for 30 days with a notice, and keeps one seen since', async () => {
    let now = Date.now();
    const alice = s.device('alice', { ...opts, now: () => now });
    await alice.start();
    await until(() => alice.c.connected, 'alice to connect');
    const laptop = await linked('alice-laptop', alice);
    const tablet = await linked('alice-tablet', alice);
    expect(laptop.c.address.deviceId).toBe(2);

    now += 20 * DAY;
    // The tablet is on: its daily heartbeat reaches the primary.
    await tablet.c.devices.heartbeat();
    await until(
      async () => (await alice.c.devices.list()).find((d) => d.deviceId === 3)?.lastSeen === now,
      'the tablet to be seen',
    );
    expect(await alice.c.devices.dropUnseen()).toEqual([]);

    now += UNSEEN_DEVICE_DROP_MS - 20 * DAY + DAY;
    const notice = next(alice.c, 'devices-dropped');
    await alice.c.sweep();
    expect(await notice).toEqual({ deviceIds: [2] });
    expect((await alice.c.devices.list()).map((d) => d.deviceId)).toEqual([1, 3]);
  });

  it("shows a contact's new device as a line in the conversation, and its safety number stays", async () => {
    const alice = s.device('alice', opts);
    const bob = s.device('bob', opts);
    await startAll(alice, bob);
    const before = (await bob.c.contacts.safetyNumber(alice.c.account)).digits;
    await linked('alice-laptop', alice);
    const seen = next(bob.c, 'devices', (e) => e.account === alice.c.account);
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'hi');
    expect(await seen).toEqual({ account: alice.c.account, added: [2], removed: [] });
    const page = await bob.c.messages.page(bob.c.conversations.direct(alice.c.account));
    const line = page.messages.find((m) => m.kind === 'device');
    expect(line?.text).toBe(JSON.stringify({ added: [2], removed: [] }));
    expect((await bob.c.contacts.safetyNumber(alice.c.account)).digits).toBe(before);
    expect(await bob.c.contacts.verification(alice.c.account)).toBe('unverified');
  });

  it('syncs pin, archive, mute, verification, contacts, profile and the read-receipt setting to the other device', async () => {
    const alice = s.device('alice', opts);
    const bob = s.device('bob', opts);
    await startAll(alice, bob);
    const laptop = await linked('alice-laptop', alice);
    const conversation = alice.c.conversations.direct(bob.c.account);
    // The laptop learns of the conversation from a message Bob sends.
    const arrived = next(laptop.c, 'message', (e) => e.message.text === 'hello both');
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'hello both');
    await arrived;

    await alice.c.conversations.setPinned(conversation, true);
    await alice.c.conversations.setArchived(conversation, true);
    await alice.c.conversations.setMuted(conversation, true);
    await alice.c.contacts.setVerified(bob.c.account, true);
    await alice.c.settings.setReadReceipts(false);
    await until(async () => {
      const c = await laptop.c.conversations.get(conversation);
      return c?.pinned === true && c.archived && c.muted === true;
    }, 'flags on the laptop');
    await until(
      async () => (await laptop.c.contacts.verification(bob.c.account)) === 'verified',
      'verified on the laptop',
    );
    await until(() => !laptop.c.settings.readReceipts, 'read receipts off on the laptop');
    await alice.c.profile.set({ displayName: 'Alice A.' });
    await until(() => laptop.c.profile.displayName === 'Alice A.', 'the profile on the laptop');

    // A contact added on the phone is a contact (not a stranger's request) on the laptop; a block follows.
    const carol = s.device('carol', opts);
    await carol.start();
    await until(() => carol.c.connected, 'carol to connect');
    await alice.c.contacts.add(carol.c.profile.contactLink());
    await until(
      async () => (await laptop.c.db.contacts.get(carol.c.account))?.accepted === true,
      'carol accepted on the laptop',
    );
    expect((await laptop.c.db.contacts.get(carol.c.account))?.displayName).toBe('carol');
    expect(laptop.c.contacts.relayOf(carol.c.account)).toBe(s.relay().url);
    await alice.c.contacts.block(carol.c.account);
    await until(
      async () => (await laptop.c.db.contacts.get(carol.c.account))?.blocked === true,
      'carol blocked on the laptop',
    );
  });

  it('keeps blobs for a linked device that is offline until it starts again', async () => {
    const alice = s.device('alice', opts);
    const bob = s.device('bob', opts);
    await startAll(alice, bob);
    const laptop = await linked('alice-laptop', alice);
    await laptop.stop();
    const onPhone = next(alice.c, 'message', (e) => e.message.text === 'while you slept');
    const sent = await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'while you slept');
    await onPhone;
    // The relay holds it for the laptop's own identity: it arrives when the laptop comes back.
    await laptop.start();
    await until(async () => (await laptop.c.db.messages.get(sent.id)) !== undefined, 'the held message');
    expect((await laptop.c.db.messages.get(sent.id))?.sender.name).toBe(bob.c.account);
  });
});
