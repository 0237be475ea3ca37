import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toBase64Url } from '@parley/core';
import { collect, next, scenario, startAll, until } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

/** Unsend before delivery: delete-for-everyone of a message the relay still holds recalls it. */
describe('ParleyClient recall', () => {
  it('recalls a message the relay still holds, keeps the verified receipt, and the recipient never gets it', async () => {
    const alice = s.device('alice', { direct: false });
    const bob = s.device('bob', { direct: false });
    await startAll(alice, bob);
    const bobAccount = bob.c.account;
    await bob.stop();
    const toBob = alice.c.conversations.direct(bobAccount);
    const oops = await alice.c.messages.send(toBob, 'oops, wrong chat');
    const kept = await alice.c.messages.send(toBob, 'this one stays');
    await until(
      async () => (await alice.c.messages.outboxEntries(kept.id)).every((e) => e.state === 'sent'),
      'both messages on the relay',
    );

    const tombstone = await alice.c.messages.delete(oops.id);
    expect(tombstone.deletedAt).toBeDefined();
    expect(tombstone.recall?.receipt.recalledFor).toContain(tombstone.recall?.recipient);
    expect(tombstone.recall?.receipt.relayKey).toBe(toBase64Url(s.relay().relay.context.relayKey.publicKey));
    expect(await alice.c.messages.verifyRecall(oops.id)).toBe(true);
    // Kept with the message: read back from storage, it still verifies.
    expect((await alice.c.db.messages.get(oops.id))?.recall?.receipt.signature).toBe(
      tombstone.recall?.receipt.signature,
    );

    const client = await bob.start();
    const texts: string[] = [];
    const errors = collect(client, 'error');
    client.on('message', ({ message }) => texts.push(message.text));
    const after = next(client, 'message', ({ message }) => message.text === 'after the recall');
    await alice.c.messages.send(toBob, 'after the recall');
    await after;
    // The other message of the recalled deposit was sent again; the recalled one never arrived.
    expect(texts).toContain('this one stays');
    expect(texts).not.toContain('oops, wrong chat');
    expect(await client.db.messages.get(oops.id)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('refuses a recall receipt signed by a key other than the one pinned for that relay, and deletes the ordinary way', async () => {
    const alice = s.device('alice', { direct: false });
    const bob = s.device('bob', { direct: false });
    await startAll(alice, bob);
    const firstKey = toBase64Url(s.relay().relay.context.relayKey.publicKey);
    const bobAccount = bob.c.account;
    await bob.stop();
    const toBob = alice.c.conversations.direct(bobAccount);
    const oops = await alice.c.messages.send(toBob, 'recall me under another key');
    await until(
      async () => (await alice.c.messages.outboxEntries(oops.id)).every((e) => e.state === 'sent'),
      'the message on the relay',
    );

    // The relay comes back with the blob but another key; Alice reconnects and is shown that key.
    const errors = collect(alice.c, 'error');
    const back = next(alice.c, 'connected');
    await s.relay().restartWithAnotherKey(new Uint8Array(32).fill(7));
    expect(toBase64Url(s.relay().relay.context.relayKey.publicKey)).not.toBe(firstKey);
    await back;
    await until(() => errors.some((error) => error.code === 'INVALID_KEY'), 'the new key reported');

    const tombstone = await alice.c.messages.delete(oops.id);
    // The relay's receipt verifies under the key it shows now, but that is not the key Alice pinned.
    expect(tombstone.deletedAt).toBeDefined();
    expect(tombstone.recall).toBeUndefined();
    expect(await alice.c.messages.verifyRecall(oops.id)).toBe(false);
    await until(() => errors.some((error) => error.code === 'INVALID_SIGNATURE'), 'the refusal reported');
  });

  it('deletes an already delivered message the ordinary way, without a receipt', async () => {
    const alice = s.device('alice', { direct: false });
    const bob = s.device('bob', { direct: false });
    await startAll(alice, bob);
    const toBob = alice.c.conversations.direct(bob.c.account);
    const delivered = next(alice.c, 'message-state', ({ state }) => state === 'delivered');
    const sent = await alice.c.messages.send(toBob, 'you have this already');
    await delivered;
    const deleted = next(bob.c, 'message-deleted');
    const tombstone = await alice.c.messages.delete(sent.id);
    expect(tombstone.recall).toBeUndefined();
    expect(await deleted).toMatchObject({ messageId: sent.id });
    expect(await alice.c.messages.verifyRecall(sent.id)).toBe(false);
  });
});
