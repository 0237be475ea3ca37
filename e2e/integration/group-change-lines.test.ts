import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupChangeOf, type ParleyClient } from '@parley/core';
import { next, scenario, startAll, until } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

/** A group conversation oldest first: texts as they are, change lines as "change:<by>:+added:-removed". */
async function history(client: ParleyClient, conversationId: string): Promise<string[]> {
  const page = await client.messages.page(conversationId, { limit: 100 });
  return [...page.messages].reverse().map((message) => {
    const change = groupChangeOf(message);
    if (message.kind === undefined) return message.text;
    if (change === undefined) return 'damaged line';
    const name = (account: string) => account.slice(0, 6);
    return `change:${name(change.by)}:+${change.added.map(name).join(',')}:-${change.removed.map(name).join(',')}${change.first ? ':first' : ''}`;
  });
}

describe('group changes as lines in the conversation', () => {
  it('stores each accepted change as a line, in sender-time order with the messages, unread-free, across a restart', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    const carol = s.device('carol');
    await startAll(alice, bob, carol);
    const conversation = await alice.c.groups.create('choir', [bob.c.account]);
    const groupId = conversation.slice('group:'.length);
    await until(async () => (await bob.c.groups.get(groupId)) !== undefined, 'bob to learn the group');

    const atBob = next(bob.c, 'message', ({ message }) => message.conversationId === conversation);
    await alice.c.messages.send(conversation, 'first rehearsal friday');
    await atBob;
    const carolAdded = next(bob.c, 'group', ({ state }) => state.members.includes(carol.c.account));
    await alice.c.groups.addMembers(groupId, [carol.c.account]);
    await carolAdded;
    await until(async () => (await carol.c.groups.get(groupId)) !== undefined, 'carol to learn the group');
    const carolRemoved = next(bob.c, 'group', ({ state }) => !state.members.includes(carol.c.account));
    await alice.c.groups.removeMember(groupId, carol.c.account);
    await carolRemoved;
    const later = next(alice.c, 'message', ({ message }) => message.conversationId === conversation);
    await bob.c.messages.send(conversation, 'see you there');
    await later;

    const a = (account: string) => account.slice(0, 6);
    const [al, ca] = [a(alice.c.account), a(carol.c.account)];
    const expected = [
      `change:${al}:+:-:first`,
      'first rehearsal friday',
      `change:${al}:+${ca}:-`,
      `change:${al}:+:-${ca}`,
      'see you there',
    ];
    expect(await history(alice.c, conversation)).toEqual(expected);
    expect(await history(bob.c, conversation)).toEqual(expected);
    // Carol saw being added (her first state) and being removed; never the messages from before her.
    expect(await history(carol.c, conversation)).toEqual([`change:${al}:+:-:first`, `change:${al}:+:-${ca}`]);

    // Lines are never unread and never the chat list's last message.
    const [bobRow] = (await bob.c.conversations.list()).filter(({ id }) => id === conversation);
    expect(bobRow).toMatchObject({ unreadCount: 1, lastMessage: { preview: 'see you there' } });
    // Not searchable either.
    expect(await bob.c.conversations.search('choir')).toEqual([]);

    // A line is nobody's message: its author cannot edit or delete it (every device holds it under one id).
    const [line] = (await alice.c.messages.page(conversation, { limit: 100 })).messages.filter(
      ({ kind }) => kind === 'group-change',
    );
    await expect(alice.c.messages.edit(line?.id ?? '', 'rewritten')).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(alice.c.messages.delete(line?.id ?? '')).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    await bob.stop();
    const again = await bob.start();
    expect(await history(again, conversation)).toEqual(expected);
  });
});
