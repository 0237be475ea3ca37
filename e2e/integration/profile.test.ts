import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_AVATAR_BYTES } from '@parley/core';
import { next, pair, scenario, startAll, until } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

describe('profiles', () => {
  it('shows a contact the new display name and avatar, end to end, and keeps our own across a restart', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const avatar = new Uint8Array(2_000).map((_, i) => i % 251);
    const updated = next(bob.c, 'contact-updated', (contact) => contact.account === alice.c.account);
    const row = next(
      bob.c,
      'conversation-updated',
      (summary) =>
        summary.id === bob.c.conversations.direct(alice.c.account) && summary.title === 'Alice Liddell',
    );
    await alice.c.profile.set({ displayName: '  Alice Liddell ', avatar });

    const contact = await updated;
    expect(contact.displayName).toBe('Alice Liddell');
    expect(contact.avatar).toEqual(avatar);
    expect((await row).avatar).toEqual(avatar);
    const stored = (await bob.c.contacts.list()).find((c) => c.account === alice.c.account);
    expect(stored?.displayName).toBe('Alice Liddell');
    expect(stored?.avatar).toEqual(avatar);

    await alice.stop();
    const again = await alice.start();
    expect(again.profile.displayName).toBe('Alice Liddell');
    expect(again.profile.current?.avatar).toEqual(avatar);
    expect(again.profile.contactLink()).toContain('Alice');
  });

  it('sends the profile to a contact added later', async () => {
    const alice = s.device('alice');
    const carol = s.device('carol');
    await startAll(alice);
    // The contact link carries the name; the avatar comes only in the profile message.
    await alice.c.profile.set({ displayName: 'Alice', avatar: new Uint8Array([1, 2, 3]) });
    await carol.start();
    const updated = next(carol.c, 'contact-updated', (contact) => contact.avatar !== undefined);
    await pair(alice, carol);
    expect(await updated).toMatchObject({ account: alice.c.account, displayName: 'Alice' });
  });

  it('refuses an empty name and an avatar over the cap, with clear errors, and sends nothing', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    await expect(alice.c.profile.set({ displayName: '   ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      alice.c.profile.set({ displayName: 'Alice', avatar: new Uint8Array(MAX_AVATAR_BYTES + 1) }),
    ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/at most/) });
    await expect(alice.c.profile.set({ displayName: 'x'.repeat(65) })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(alice.c.profile.current).toBeUndefined();
    await until(async () => (await alice.c.db.outbox.due(Date.now() + 1e9)).length === 0, 'outbox drained');
    expect((await bob.c.contacts.list())[0]?.displayName).toBe('alice');
  });
});
