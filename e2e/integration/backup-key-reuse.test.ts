import { ParleyClient, openSealed, toBase64Url } from '@parley/core';
import { freshIndexedDb } from '@parley/core/testing/indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { next, scenario, startAll, until } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

const PASSPHRASE = 'correct horse battery staple';
const PREKEY_HEADER = 32 + 32 + 64 + 32 + 4 + 1 + 4;

/**
 * Which message key each blob for a recipient used, as the relay (group blobs) or the recipient (pairwise,
 * inside sealed sender) can tell: two blobs under one key and nonce XOR into the XOR of their plaintexts.
 */
function keyUses(blobs: readonly Uint8Array[], opened: (payload: Uint8Array) => Uint8Array): string[] {
  return blobs.map((payload) => {
    if (payload[0] === 3) {
      // kind ‖ tag(16) ‖ version ‖ keyId(4) ‖ iteration(4): the sender-key generation and its index.
      return `group ${toBase64Url(payload.subarray(1 + 16 + 1, 1 + 16 + 1 + 8))}`;
    }
    const message = opened(payload.subarray(1));
    // version ‖ type ‖ [prekey header] ‖ DHs(32) ‖ PN(4) ‖ N(4): the sending chain and its index.
    const at = 2 + (message[1] === 2 ? PREKEY_HEADER : 0);
    return `pairwise ${toBase64Url(message.subarray(at, at + 32))}:${toBase64Url(message.subarray(at + 36, at + 40))}`;
  });
}

describe('restoring a backup (issue 9, item 4)', () => {
  it('never encrypts under a key and nonce the old device already used after the backup', async () => {
    const alice = s.device('alice', { direct: false });
    const bob = s.device('bob', { direct: false });
    await startAll(alice, bob);
    const conversation = await alice.c.groups.create('family', [bob.c.account]);
    const groupId = conversation.slice('group:'.length);
    await until(async () => (await bob.c.groups.get(groupId)) !== undefined, 'bob to learn the group');
    const warm = next(bob.c, 'message', ({ message }) => message.text === 'hello');
    await alice.c.messages.send(conversation, 'hello');
    await warm;
    const backToAlice = next(alice.c, 'message', ({ message }) => message.text === 'hi');
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'hi');
    await backToAlice;

    const backup = await alice.c.backup.export(PASSPHRASE);
    const bobIdentity = await bob.c.db.identities.getLocalIdentity();
    const bobRelayId = toBase64Url(bobIdentity.identityKey);
    const withBob = alice.c.conversations.direct(bob.c.account);
    await bob.stop();
    const pending = async () =>
      (await s.relay().store.blobs.pending(bobRelayId, 1000)).map((blob) => blob.payload);
    // The old device goes on after the backup was made (as it does when the backup is a week old).
    await alice.c.messages.send(withBob, 'meet at noon');
    await alice.c.messages.send(conversation, 'the code is 4711');
    await until(async () => (await pending()).length >= 2, 'the old device to deposit both');
    await alice.stop();

    const restored = s.device('alice-restored', { direct: false, indexedDB: freshIndexedDb() });
    restored.client = await ParleyClient.importBackup(backup, PASSPHRASE, restored.clientOptions());
    const before = (await pending()).length;
    await restored.c.messages.send(withBob, 'attack at dawn');
    await restored.c.messages.send(conversation, 'the vault is open');
    await until(async () => (await pending()).length >= before + 2, 'the restored device to deposit both');

    const uses = keyUses(await pending(), (envelope) => openSealed(bobIdentity, envelope).content);
    expect(uses.filter((use, index) => uses.indexOf(use) !== index)).toEqual([]);

    // Bob still reads everything: the old device's messages, and the restored one's on its fresh keys.
    await bob.start();
    const texts = async () =>
      [
        ...(await bob.c.messages.page(bob.c.conversations.direct(restored.c.account))).messages,
        ...(await bob.c.messages.page(conversation)).messages,
      ].map((message) => message.text);
    const all = ['meet at noon', 'the code is 4711', 'attack at dawn', 'the vault is open'];
    await until(async () => {
      const got = await texts();
      return all.every((text) => got.includes(text));
    }, 'bob to read all four');
  });
});
