import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationSummary } from '@parley/core';
import { collect, next, scenario, startAll, until } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

describe('the conversation list', () => {
  it('shows the last message, unread count and title, and updates when a message arrives and is read', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const fromBob = alice.c.conversations.direct(bob.c.account);
    const updates = collect(alice.c, 'conversation-updated');
    const received = next(alice.c, 'message');
    const sent = await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'hello there, Alice');
    await received;
    await until(() => updates.some((u) => u.id === fromBob && u.unreadCount === 1), 'unread update');

    const [row] = (await alice.c.conversations.list()).filter((c) => c.id === fromBob);
    expect(row).toMatchObject({
      id: fromBob,
      kind: 'direct',
      title: 'bob',
      unreadCount: 1,
      pinned: false,
      archived: false,
      muted: false,
      lastMessage: {
        kind: 'text',
        preview: 'hello there, Alice',
        direction: 'incoming',
        sender: bob.c.account,
      },
    });

    await alice.c.conversations.markRead(fromBob);
    expect((await alice.c.conversations.get(fromBob)).unreadCount).toBe(0);
    await until(() => updates.some((u) => u.id === fromBob && u.unreadCount === 0), 'read update');
    await until(async () => (await bob.c.db.messages.get(sent.id))?.state === 'read', 'read receipt');

    // Our own message becomes the preview of the sender's row too.
    const bobRow = await bob.c.conversations.get(bob.c.conversations.direct(alice.c.account));
    expect(bobRow.lastMessage).toMatchObject({ direction: 'outgoing', preview: 'hello there, Alice' });
  });

  it('keeps pinned chats first, hides archived ones on request, mutes, and reports every change', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    const carol = s.device('carol');
    await startAll(alice, bob, carol);
    const withBob = alice.c.conversations.direct(bob.c.account);
    const withCarol = alice.c.conversations.direct(carol.c.account);
    await alice.c.messages.send(withBob, 'newest activity is with bob');
    await until(async () => (await alice.c.conversations.list())[0]?.id === withBob, 'bob first by activity');

    const pinned = next(alice.c, 'conversation-updated', (u) => u.id === withCarol && u.pinned);
    await alice.c.conversations.setPinned(withCarol, true);
    expect((await pinned).pinned).toBe(true);
    expect((await alice.c.conversations.list()).map((c: ConversationSummary) => c.id)).toEqual([
      withCarol,
      withBob,
    ]);

    await alice.c.conversations.setArchived(withBob, true);
    expect((await alice.c.conversations.list({ archived: false })).map((c) => c.id)).toEqual([withCarol]);
    expect((await alice.c.conversations.list({ archived: true })).map((c) => c.id)).toEqual([withBob]);
    await alice.c.conversations.setMuted(withCarol, true);
    expect((await alice.c.conversations.get(withCarol)).muted).toBe(true);
    await alice.c.conversations.setPinned(withCarol, false);
    await alice.c.conversations.setArchived(withBob, false);
    expect((await alice.c.conversations.list()).map((c) => c.id)).toEqual([withBob, withCarol]);

    await expect(alice.c.conversations.setPinned('direct:nobody', true)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      alice.c.conversations.setArchived(withBob, 'yes' as unknown as boolean),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('labels files by kind, renames with the group, and finds messages by text', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const withBob = alice.c.conversations.direct(bob.c.account);
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'the quarterly numbers are ready');
    await until(async () => (await alice.c.conversations.search('quarterly')).length === 1, 'indexed');
    const photo = next(alice.c, 'file');
    await bob.c.files.send(bob.c.conversations.direct(alice.c.account), {
      name: 'cat.png',
      mimeType: 'image/png',
      bytes: new Uint8Array(1000).fill(7),
    });
    await photo;
    expect((await alice.c.conversations.get(withBob)).lastMessage).toMatchObject({
      kind: 'photo',
      preview: 'Photo',
    });

    const [hit] = await alice.c.conversations.search('QUARTER numb');
    expect(hit).toMatchObject({ conversationId: withBob, text: 'the quarterly numbers are ready' });
    expect(await alice.c.conversations.search('nothing-like-this')).toEqual([]);
    await expect(alice.c.conversations.search('x'.repeat(300))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });

    const conversationId = await alice.c.groups.create('Plans', [bob.c.account]);
    await alice.c.messages.send(conversationId, 'saturday?');
    await alice.c.conversations.setPinned(conversationId, true);
    const renamed = next(alice.c, 'conversation-updated', (u) => u.title === 'Weekend plans');
    await alice.c.groups.rename(conversationId.slice('group:'.length), 'Weekend plans');
    expect((await renamed).kind).toBe('group');
    // A group change keeps what the list shows: pinned, and the last message.
    expect(await alice.c.conversations.get(conversationId)).toMatchObject({
      title: 'Weekend plans',
      pinned: true,
      lastMessage: { preview: 'saturday?' },
    });
  });
});
