import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCipher, parseIdentityString, toBase64Url, utf8 } from '@parley/core';
import { collect, next, scenario, startAll, until } from './support/harness.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

describe('ParleyClient groups', () => {
  it('lets a group of three talk, and a removed member reads nothing sent after the removal', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    const carol = s.device('carol');
    await startAll(alice, bob, carol);
    const bobJoined = next(bob.c, 'group');
    const carolJoined = next(carol.c, 'group');
    const conversation = await alice.c.groups.create('climbing', [bob.c.account, carol.c.account]);
    const groupId = conversation.slice('group:'.length);
    expect((await bobJoined).state).toMatchObject({ name: 'climbing', admins: [alice.c.account] });
    await carolJoined;

    const bobInbox = collect(bob.c, 'message');
    const carolInbox = collect(carol.c, 'message');
    const aliceInbox = collect(alice.c, 'message');
    await alice.c.messages.send(conversation, 'hello all');
    await until(() => bobInbox.length === 1 && carolInbox.length === 1, 'the first group message');
    expect(carolInbox[0]?.message).toMatchObject({ text: 'hello all', conversationId: conversation });
    await bob.c.messages.send(conversation, 'hi from bob');
    await until(() => aliceInbox.length === 1 && carolInbox.length === 2, "bob's group message");

    // A member who is not an admin cannot remove anyone.
    await expect(bob.c.groups.removeMember(groupId, alice.c.account)).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    });

    const carolRemoved = next(carol.c, 'group', (event) => event.removedSelf);
    const bobSawRemoval = next(bob.c, 'group', (event) => !event.state.members.includes(carol.c.account));
    await alice.c.groups.removeMember(groupId, carol.c.account);
    await carolRemoved;
    await bobSawRemoval;

    await alice.c.messages.send(conversation, 'after carol left');
    await bob.c.messages.send(conversation, 'bob after carol left');
    await until(() => bobInbox.length === 2 && aliceInbox.length === 2, 'messages after the removal');
    expect(bobInbox[1]?.message.text).toBe('after carol left');
    // Carol has no sender key for what was sent after her removal: nothing new for her, ever.
    expect(carolInbox.map(({ message }) => message.text)).toEqual(['hello all', 'hi from bob']);
    expect(await carol.c.groups.isMember(groupId, carol.c.account)).toBe(false);

    // And she could not read it if she got hold of it: Alice's sender key was rotated and never sent to her.
    const sealed = await new GroupCipher(alice.c.db.senderKeys, alice.c.address).encrypt(
      groupId,
      utf8('secret'),
    );
    const carolCipher = new GroupCipher(carol.c.db.senderKeys, carol.c.address);
    await expect(carolCipher.decrypt(groupId, alice.c.address, sealed)).rejects.toMatchObject({
      code: 'SESSION_NOT_FOUND',
    });
  });

  it('applies admin changes everywhere: promotion, renaming and a reset invite link', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const conversation = await alice.c.groups.create('book club', [bob.c.account]);
    const groupId = conversation.slice('group:'.length);
    await until(async () => (await bob.c.groups.get(groupId)) !== undefined, 'bob to learn the group');
    const oldLink = await alice.c.groups.inviteLink(groupId);
    await alice.c.groups.resetInvite(groupId);
    expect(await alice.c.groups.inviteLink(groupId)).not.toBe(oldLink);
    await alice.c.groups.promote(groupId, bob.c.account);
    await until(
      async () => (await bob.c.groups.get(groupId))?.admins.includes(bob.c.account) === true,
      'promotion',
    );
    await bob.c.groups.rename(groupId, 'reading club');
    await until(async () => (await alice.c.groups.get(groupId))?.name === 'reading club', 'the rename');
  });

  it('adds whoever opens a current invite link, and nobody with a link that was reset', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    const carol = s.device('carol');
    const dave = s.device('dave');
    await startAll(alice, bob);
    await carol.start();
    await dave.start();
    await until(() => carol.c.connected && dave.c.connected, 'carol and dave to connect');
    const conversation = await alice.c.groups.create('open mic', [bob.c.account]);
    const groupId = conversation.slice('group:'.length);
    const link = await alice.c.groups.inviteLink(groupId);
    await until(async () => (await bob.c.groups.get(groupId)) !== undefined, 'bob to learn the group');
    await expect(bob.c.groups.inviteLink(groupId)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });

    const carolIn = next(carol.c, 'group', (event) => event.state.members.includes(carol.c.account));
    expect(await carol.c.groups.join(link)).toBe(conversation);
    await carolIn;
    await until(
      async () => (await bob.c.groups.isMember(groupId, carol.c.account)) === true,
      'bob to see carol',
    );
    const toCarol = next(carol.c, 'message');
    await bob.c.messages.send(conversation, 'welcome carol');
    expect((await toCarol).message).toMatchObject({ text: 'welcome carol', conversationId: conversation });

    await alice.c.groups.resetInvite(groupId);
    const refused = next(alice.c, 'error', (error) => error.code === 'ACCESS_DENIED');
    await dave.c.groups.join(link);
    await refused;
    expect(await alice.c.groups.isMember(groupId, dave.c.account)).toBe(false);
  });
});

/** Whether `needle` occurs anywhere in `haystack`. */
function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe('sealed group messages', () => {
  it('stores group messages on the relay without their sender, and only members can attribute them', async () => {
    const alice = s.device('alice');
    const bob = s.device('bob');
    const carol = s.device('carol');
    const dave = s.device('dave');
    await startAll(alice, bob, carol, dave);
    const bobJoined = next(bob.c, 'group');
    const carolJoined = next(carol.c, 'group');
    const conversation = await alice.c.groups.create('night shift', [bob.c.account, carol.c.account]);
    const groupId = conversation.slice('group:'.length);
    await bobJoined;
    await carolJoined;
    const bobRelayId = toBase64Url(parseIdentityString(bob.c.account));
    const aliceKey = parseIdentityString(alice.c.account);
    const secrets = [
      aliceKey,
      utf8(alice.c.account),
      utf8(toBase64Url(aliceKey)),
      utf8(groupId),
      utf8('night shift'),
      utf8('who is on call'),
    ];

    // Bob is away, so the relay keeps the group message for him: read it from the relay's store.
    const bobAccount = bob.c.account;
    await until(async () => (await alice.c.groups.get(groupId))?.members.length === 3, 'the group');
    await bob.stop();
    const carolGot = next(carol.c, 'message', ({ message }) => message.conversationId === conversation);
    await alice.c.messages.send(conversation, 'who is on call');
    const atCarol = await carolGot;
    expect(atCarol.message).toMatchObject({ text: 'who is on call', sender: { name: alice.c.account } });
    let stored: Uint8Array[] = [];
    await until(async () => {
      stored = (await s.relay().store.blobs.pending(bobRelayId, 100))
        .map((blob) => blob.payload)
        .filter((payload) => payload[0] === 3);
      return stored.length > 0;
    }, 'the sealed group blob on the relay');
    const [blob] = stored;
    if (blob === undefined) throw new Error('unreachable');
    for (const secret of secrets) expect(contains(blob, secret)).toBe(false);
    // The old kind (a plain {group, sender} header) is never deposited any more.
    const everything = await s.relay().store.blobs.pending(bobRelayId, 100);
    expect(everything.some((pending) => pending.payload[0] === 2)).toBe(false);
    // Padded like a sealed one-to-one envelope: 1 kind byte, 16 tag bytes, 9 header, 16 MAC, 64 signature.
    expect((blob.length - 1 - 16 - 9 - 16 - 64) % 256).toBe(0);

    // Members map the tag to the sender; a non-member cannot.
    const tag = blob.subarray(1, 17);
    expect(await carol.c.groups.senderOfTag(tag)).toEqual({
      groupId,
      sender: { name: alice.c.account, deviceId: 1 },
    });
    expect(await dave.c.groups.senderOfTag(tag)).toBeUndefined();

    // Bob, back, decrypts it from the relay and attributes it to Alice.
    const bobClient = await bob.start();
    const atBob = await next(bobClient, 'message', ({ message }) => message.conversationId === conversation);
    expect(atBob.message).toMatchObject({ text: 'who is on call', sender: { name: alice.c.account } });
    expect(bobAccount).toBe(bobClient.account);

    // Carol is removed; what Alice sends next carries a tag Carol cannot map and a key she cannot use.
    const carolRemoved = next(carol.c, 'group', (event) => event.removedSelf);
    const bobSaw = next(bob.c, 'group', (event) => !event.state.members.includes(carol.c.account));
    await alice.c.groups.removeMember(groupId, carol.c.account);
    await carolRemoved;
    await bobSaw;
    await bob.stop();
    await alice.c.messages.send(conversation, 'carol is gone');
    let later: Uint8Array | undefined;
    await until(async () => {
      later = (await s.relay().store.blobs.pending(bobRelayId, 100))
        .map((pending) => pending.payload)
        .find((payload) => payload[0] === 3 && !contains(payload, tag));
      return later !== undefined;
    }, 'the group blob after the removal');
    if (later === undefined) throw new Error('unreachable');
    const laterTag = later.subarray(1, 17);
    expect(await carol.c.groups.senderOfTag(laterTag)).toBeUndefined();
    const carolCipher = new GroupCipher(carol.c.db.senderKeys, carol.c.address);
    await expect(carolCipher.decrypt(groupId, alice.c.address, later.subarray(17))).rejects.toMatchObject({
      code: 'SESSION_NOT_FOUND',
    });
    const bobAgain = await bob.start();
    const atBobAgain = await next(bobAgain, 'message', ({ message }) => message.text === 'carol is gone');
    expect(atBobAgain.message.sender.name).toBe(alice.c.account);
    expect(await bobAgain.groups.senderOfTag(laterTag)).toMatchObject({ groupId });
  });
});
