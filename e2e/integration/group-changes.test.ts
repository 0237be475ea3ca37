import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, next, scenario, startAll, until } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

describe('ParleyClient groups: changes after the start', () => {
  it('lets a removed member who rejoins by invite link read and send to the group again', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    const carol = s.device('carol');
    await startAll(alice, bob, carol);
    const conversation = await alice.c.groups.create('choir', [bob.c.account, carol.c.account]);
    const groupId = conversation.slice('group:'.length);
    await until(
      async () => (await carol.c.groups.isMember(groupId, carol.c.account)) === true,
      'carol to learn the group',
    );

    const carolRemoved = next(carol.c, 'group', (event) => event.removedSelf);
    await alice.c.groups.removeMember(groupId, carol.c.account);
    await carolRemoved;
    await until(
      async () => (await bob.c.groups.isMember(groupId, carol.c.account)) === false,
      'bob to see the removal',
    );

    const carolBack = next(carol.c, 'group', (event) => event.state.members.includes(carol.c.account));
    await carol.c.groups.join(await alice.c.groups.inviteLink(groupId));
    await carolBack;
    await until(
      async () => (await bob.c.groups.isMember(groupId, carol.c.account)) === true,
      'bob to see carol back',
    );

    const carolInbox = collect(carol.c, 'message');
    const aliceInbox = collect(alice.c, 'message');
    const bobInbox = collect(bob.c, 'message');
    await alice.c.messages.send(conversation, 'welcome back');
    await until(() => carolInbox.length === 1, 'carol to read the group again');
    // Her sender key was deleted when she was removed: the others need her new one to read her.
    await carol.c.messages.send(conversation, 'glad to be back');
    await until(() => aliceInbox.length === 1 && bobInbox.length === 2, 'the others to read carol');
    expect(aliceInbox[0]?.message.text).toBe('glad to be back');
    expect(bobInbox.map(({ message }) => message.text)).toEqual(['welcome back', 'glad to be back']);
  });

  it('keeps the last message, pinned and muted of a group conversation through a group change', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const conversation = await alice.c.groups.create('band', [bob.c.account]);
    const groupId = conversation.slice('group:'.length);
    await until(async () => (await bob.c.groups.get(groupId)) !== undefined, 'bob to learn the group');
    const sent = await alice.c.messages.send(conversation, 'rehearsal at eight');
    await alice.c.conversations.setPinned(conversation, true);
    await alice.c.conversations.setMuted(conversation, true);

    await alice.c.groups.rename(groupId, 'the band');
    const record = await alice.c.db.conversations.get(conversation);
    expect(record).toMatchObject({ title: 'the band', lastMessageId: sent.id, pinned: true, muted: true });
  });
});
