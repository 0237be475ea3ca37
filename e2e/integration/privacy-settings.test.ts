import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { next, pair, scenario, startAll, until } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

describe('privacy settings at runtime', () => {
  it('turns read receipts off at runtime and keeps the choice across a restart', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    expect(bob.c.settings.readReceipts).toBe(true);
    await bob.c.settings.setReadReceipts(false);
    await bob.stop();
    await bob.start();
    expect(bob.c.settings.readReceipts).toBe(false);
    expect(bob.c.settings.privacy.readReceipts).toBe(false);

    const conversation = alice.c.conversations.direct(bob.c.account);
    const received = next(bob.c, 'message');
    const sent = await alice.c.messages.send(conversation, 'read me quietly');
    await bob.c.messages.markRead([(await received).message.id]);
    const later = await alice.c.messages.send(conversation, 'second');
    await until(async () => (await alice.c.db.messages.get(later.id))?.state === 'delivered', 'delivered');
    expect((await alice.c.db.messages.get(sent.id))?.state).toBe('delivered');
    await expect(bob.c.settings.setReadReceipts('no' as unknown as boolean)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('keeps presence visibility (who sees us, last seen) across a restart', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    expect(alice.c.settings.presenceVisibility).toEqual({ allow: 'contacts', lastSeen: true });
    await alice.c.settings.setPresenceVisibility({ allow: [], lastSeen: false });
    await alice.stop();
    await alice.start();
    expect(alice.c.settings.presenceVisibility).toEqual({ allow: [], lastSeen: false });
    await until(() => alice.c.connected, 'alice back');
    // Nobody is allowed: bob sees nothing of alice.
    const states = await bob.c.presence.subscribe([alice.c.account]);
    expect(states.filter((state) => state.account === alice.c.account)).toEqual([]);
    await alice.c.settings.setPresenceVisibility({});
    const visible = await bob.c.presence.subscribe([alice.c.account]);
    expect(visible.find((state) => state.account === alice.c.account)?.online).toBe(true);
    await expect(
      alice.c.settings.setPresenceVisibility({ allow: [''], lastSeen: true }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('starts new conversations and groups with the default disappearing timer, on both sides', async () => {
    const alice = s.device('alice');
    const carol = s.device('carol');
    await startAll(alice);
    await alice.c.settings.setDefaultDisappearingTimer(60_000);
    expect(alice.c.settings.defaultDisappearingTimer).toBe(60_000);
    await carol.start();
    const timer = next(carol.c, 'disappearing-timer');
    await pair(alice, carol);
    expect(await timer).toEqual({
      conversationId: carol.c.conversations.direct(alice.c.account),
      expiresInMs: 60_000,
    });
    expect(await alice.c.conversations.disappearingTimer(alice.c.conversations.direct(carol.c.account))).toBe(
      60_000,
    );
    const group = await alice.c.groups.create('Ephemeral', [carol.c.account]);
    await until(async () => (await alice.c.conversations.disappearingTimer(group)) === 60_000, 'group timer');
    await until(
      async () => (await carol.c.conversations.disappearingTimer(group)) === 60_000,
      'group timer at carol',
    );
    await expect(alice.c.settings.setDefaultDisappearingTimer(5)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await alice.stop();
    await alice.start();
    expect(alice.c.settings.defaultDisappearingTimer).toBe(60_000);
  });
});
