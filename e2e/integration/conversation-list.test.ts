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
    const fromBob = alice.c.directConversation(bob.c.account);
    const updates = collect(alice.c, 'conversation-updated');
    const received = next(alice.c, 'message');
    const sent = await bob.c.sendText(bob.c.directConversation(alice.c.account), 'hello there, Alice');
    await received;
    await until(() => updates.some((u) => u.id === fromBob && u.unreadCount === 1), 'unread update');

    const [row] = (await alice.c.conversations()).filter((c) => c.id === fromBob);
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

    await alice.c.markConversationRead(fromBob);
    expect((await alice.c.conversation(fromBob)).unreadCount).toBe(0);
    await until(() => updates.some((u) => u.id === fromBob && u.unreadCount === 0), 'read update');
    await until(async () => (await bob.c.db.messages.get(sent.id))?.state === 'read', 'read receipt');

    // Our own message becomes the preview of the sender's row too.
    const bobRow = await bob.c.conversation(bob.c.directConversation(alice.c.account));
    expect(bobRow.lastMessage).toMatchObject({ direction: 'outgoing', preview: 'hello there, Alice' });
  });

  it('keeps pinned chats first, hides archived ones on request, mutes, and reports every change', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    const carol = s.device('carol');
    await startAll(alice, bob, carol);
    const withBob = alice.c.directConversation(bob.c.account);
    const withCarol = alice.c.directConversation(carol.c.account);
    await alice.c.sendText(withBob, 'newest activity is with bob');
    await until(async () => (await alice.c.conversations())[0]?.id === withBob, 'bob first by activity');

    const pinned = next(alice.c, 'conversation-updated', (u) => u.id === withCarol && u.pinned);
    await alice.c.setPinned(withCarol, true);
    expect((await pinned).pinned).toBe(true);
    expect((await alice.c.conversations()).map((c: ConversationSummary) => c.id)).toEqual([
      withCarol,
      withBob,
    ]);

    await alice.c.setArchived(withBob, true);
    expect((await alice.c.conversations({ archived: false })).map((c) => c.id)).toEqual([withCarol]);
    expect((await alice.c.conversations({ archived: true })).map((c) => c.id)).toEqual([withBob]);
    await alice.c.setMuted(withCarol, true);
    expect((await alice.c.conversation(withCarol)).muted).toBe(true);
    await alice.c.setPinned(withCarol, false);
    await alice.c.setArchived(withBob, false);
    expect((await alice.c.conversations()).map((c) => c.id)).toEqual([withBob, withCarol]);

    await expect(alice.c.setPinned('direct:nobody', true)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(alice.c.setArchived(withBob, 'yes' as unknown as boolean)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('labels files by kind, renames with the group, and finds messages by text', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const withBob = alice.c.directConversation(bob.c.account);
    await bob.c.sendText(bob.c.directConversation(alice.c.account), 'the quarterly numbers are ready');
    await until(async () => (await alice.c.search('quarterly')).length === 1, 'indexed');
    const photo = next(alice.c, 'file');
    await bob.c.sendFile(bob.c.directConversation(alice.c.account), {
      name: 'cat.png',
      mimeType: 'image/png',
      bytes: new Uint8Array(1000).fill(7),
    });
    await photo;
    expect((await alice.c.conversation(withBob)).lastMessage).toMatchObject({
      kind: 'photo',
      preview: 'Photo',
    });

    const [hit] = await alice.c.search('QUARTER numb');
    expect(hit).toMatchObject({ conversationId: withBob, text: 'the quarterly numbers are ready' });
    expect(await alice.c.search('nothing-like-this')).toEqual([]);
    await expect(alice.c.search('x'.repeat(300))).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    const conversationId = await alice.c.groups.create('Plans', [bob.c.account]);
    await alice.c.sendText(conversationId, 'saturday?');
    await alice.c.setPinned(conversationId, true);
    const renamed = next(alice.c, 'conversation-updated', (u) => u.title === 'Weekend plans');
    await alice.c.groups.rename(conversationId.slice('group:'.length), 'Weekend plans');
    expect((await renamed).kind).toBe('group');
    // A group change keeps what the list shows: pinned, and the last message.
    expect(await alice.c.conversation(conversationId)).toMatchObject({
      title: 'Weekend plans',
      pinned: true,
      lastMessage: { preview: 'saturday?' },
    });
  });
});
