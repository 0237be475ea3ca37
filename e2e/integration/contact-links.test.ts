import { formatContactLink } from '@parley/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scenario, startAll } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

describe('contact links (issue 9, item 6)', () => {
  it("never replaces a known contact's relay or name from a link someone else made", async () => {
    const alice = s.device('alice', { direct: false });
    const bob = s.device('bob', { direct: false });
    await startAll(alice, bob);
    const before = (await alice.c.contacts.list()).find((contact) => contact.account === bob.c.account);
    const forged = formatContactLink({
      account: bob.c.account,
      relayUrl: 'wss://relay.mallory.example',
      displayName: 'Bob (new number)',
    });
    const contact = await alice.c.contacts.add(forged);
    expect(contact.displayName).toBe(before?.displayName);
    expect(alice.c.contacts.relayOf(bob.c.account)).toBe(bob.c.contacts.relayOf(bob.c.account));
    // What the app shows before asking: that the link would change a contact it already knows.
    const preview = await alice.c.contacts.preview(forged);
    expect(preview).toMatchObject({ known: true, relayChanged: true, nameChanged: true });
  });

  it('adds an unknown contact with the relay and name its link gives', async () => {
    const alice = s.device('alice', { direct: false });
    const bob = s.device('bob', { direct: false });
    await alice.start();
    await bob.start();
    const preview = await alice.c.contacts.preview(bob.c.profile.contactLink());
    expect(preview).toMatchObject({ known: false, account: bob.c.account, displayName: 'bob' });
    await alice.c.contacts.add(bob.c.profile.contactLink());
    expect(alice.c.contacts.relayOf(bob.c.account)).toBe(s.relay().url);
  });
});
